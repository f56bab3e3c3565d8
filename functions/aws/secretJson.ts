import { CaptureError } from '../../shared/errors.js';
import { parseJsonOrUndefined } from '../../shared/parseJsonOrUndefined.js';

/**
 * The string fields of a Secrets Manager secret holding a JSON object, read with the function's role
 * (the stack allows reading that secret only). A secret that cannot be read becomes `unreadable`'s
 * error, which the caller makes retriable its own way; one without the `fields` as strings is a
 * configuration fault, never retried.
 */
export async function secretJsonFields<Field extends string>(
  secretArn: string,
  fields: readonly Field[],
  what: string,
  unreadable: (cause: unknown) => Error,
): Promise<Record<Field, string>> {
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  let text: string | undefined;
  try {
    text = (await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretArn })))
      .SecretString;
  } catch (error) {
    throw unreadable(error);
  }
  const json = (parseJsonOrUndefined(text) ?? {}) as Record<string, unknown>;
  const values: Partial<Record<Field, string>> = {};
  for (const field of fields) {
    const value = json[field];
    if (typeof value !== 'string') {
      throw new CaptureError(`${what} secret is not JSON with ${fields.join(' and ')} as strings`, {
        retriable: false,
      });
    }
    values[field] = value;
  }
  return values as Record<Field, string>;
}
