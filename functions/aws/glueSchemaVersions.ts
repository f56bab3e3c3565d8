import { GetSchemaVersionCommand, type GlueClient } from '@aws-sdk/client-glue';
import { CaptureError, NETWORK_ERROR_CODES, RegistryUnavailableError } from '../../shared/errors.js';
import type { GlueSchemaVersionReader } from '../../shared/registry/glueSource.js';

/** Glue's answers that a later call may not get: throttling and the service's own failures. */
const TRANSIENT_GLUE_ERRORS = new Set([
  'ThrottlingException',
  'InternalServiceException',
  'OperationTimeoutException',
  'ConcurrentModificationException',
]);

/**
 * `glue:GetSchemaVersion` by the schema version's UUID, the only call the stack allows the role on
 * the topic's registry. Unknown ids are `undefined` (a dead letter); throttling, 5xx and network
 * failures a `RegistryUnavailableError` (the batch is retried); a denial or any other answer a
 * permanent error that holds the partition until a person fixes it.
 */
export function glueSchemaVersionReader(client: GlueClient): GlueSchemaVersionReader {
  return async (schemaVersionId) => {
    try {
      const answer = await client.send(new GetSchemaVersionCommand({ SchemaVersionId: schemaVersionId }));
      return {
        definition: answer.SchemaDefinition ?? '',
        dataFormat: answer.DataFormat ?? '',
        ...(answer.VersionNumber === undefined ? {} : { versionNumber: answer.VersionNumber }),
        ...(answer.SchemaArn === undefined ? {} : { schemaArn: answer.SchemaArn }),
      };
    } catch (error) {
      const { name, code, $metadata } = error as {
        name?: string;
        code?: string;
        $metadata?: { httpStatusCode?: number };
      };
      if (name === 'EntityNotFoundException') return undefined;
      const status = $metadata?.httpStatusCode;
      const what = `Glue GetSchemaVersion of ${schemaVersionId}`;
      if (
        TRANSIENT_GLUE_ERRORS.has(name ?? '') ||
        (status !== undefined && status >= 500) ||
        NETWORK_ERROR_CODES.has(code ?? '')
      ) {
        throw new RegistryUnavailableError(
          `${what} failed transiently (${name ?? code ?? `HTTP ${status}`})`,
          {
            cause: error,
          },
        );
      }
      throw new CaptureError(
        `${what} failed: ${name ?? 'unknown error'}; check the function role's Glue access`,
        {
          retriable: false,
          cause: error,
        },
      );
    }
  };
}
