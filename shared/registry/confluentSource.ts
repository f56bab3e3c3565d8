import { z } from 'zod';
import { CaptureError } from '../errors.js';
import { parseJsonOrUndefined } from '../parseJsonOrUndefined.js';
import { answerJson, type RegistryHttp, registryGet } from './registryHttp.js';
import type { SchemaFormat } from './schemaRef.js';
import type { FetchedSchema, SchemaSource } from './schemaSource.js';

/** `GET /schemas/ids/<id>` and `GET /subjects/<s>/versions/<v>`: `schemaType` is absent for Avro. */
const schemaAnswer = z.object({
  schema: z.string(),
  schemaType: z.enum(['AVRO', 'PROTOBUF', 'JSON']).optional(),
  references: z
    .array(z.object({ name: z.string(), subject: z.string(), version: z.number().int() }))
    .nullish(),
});
const subjectVersions = z.array(z.object({ subject: z.string(), version: z.number().int() }));

/** Confluent's error code for "no schema with this id" (its 404s also cover unknown paths). */
const SCHEMA_NOT_FOUND = 40403;

const FORMATS: Record<string, SchemaFormat> = { AVRO: 'avro', PROTOBUF: 'protobuf', JSON: 'json' };

export interface ConfluentSourceOptions {
  /** The API's base URL (the config's `registry.url`), without a trailing slash. */
  readonly url: string;
  /** The captured topic: of the subjects an id is registered under, `<topic>-value` or `-key` is named first. */
  readonly topic: string;
  readonly http: RegistryHttp;
}

/**
 * A Confluent Schema Registry API (Confluent, Apicurio's ccompat, Redpanda, Karapace): the schema by
 * id, its references by subject and version (recursively, each once), and the subject and version
 * it is registered under, for the envelope. Three kinds of request, each made once per schema.
 */
export function confluentSchemaSource(options: ConfluentSourceOptions): SchemaSource {
  const { http, topic } = options;
  const base = options.url.replace(/\/+$/, '');
  const get = async (path: string, what: string) => registryGet(http, `${base}${path}`, what);

  const referencesOf = async (
    references: z.infer<typeof schemaAnswer>['references'],
    seen: Map<string, string>,
  ): Promise<void> => {
    for (const reference of references ?? []) {
      if (seen.has(reference.name)) continue;
      const what = `subject ${reference.subject} version ${reference.version}`;
      const answer = await get(
        `/subjects/${encodeURIComponent(reference.subject)}/versions/${reference.version}`,
        what,
      );
      if (answer.status === 404) {
        throw new CaptureError(`the registry has no ${what}, which a schema refers to`, { retriable: false });
      }
      const parsed = parseAnswer(answerJson(http, answer, what), what);
      await referencesOf(parsed.references, seen);
      seen.set(reference.name, parsed.schema);
    }
  };

  return async (id) => {
    const what = `schema id ${id}`;
    const answer = await get(`/schemas/ids/${encodeURIComponent(id)}`, what);
    if (answer.status === 404) {
      const code = (parseJsonOrUndefined(answer.text) as { error_code?: unknown } | undefined)?.error_code;
      if (code === SCHEMA_NOT_FOUND) return undefined;
      throw new CaptureError(
        `${http.service} answered ${what} with HTTP 404 but not error 40403: check registry.url`,
        { retriable: false },
      );
    }
    const parsed = parseAnswer(answerJson(http, answer, what), what);
    const references = new Map<string, string>();
    await referencesOf(parsed.references, references);
    const registered = await subjectOf(id);
    return {
      format: FORMATS[parsed.schemaType ?? 'AVRO'] ?? 'avro',
      definition: parsed.schema,
      references: [...references].map(([name, definition]) => ({ name, definition })),
      ...registered,
    } satisfies FetchedSchema;
  };

  /** The topic's own subject when the id is registered under it, else the first; none on older registries. */
  async function subjectOf(id: string): Promise<{ subject?: string; version?: number }> {
    const what = `the subjects of schema id ${id}`;
    const answer = await get(`/schemas/ids/${encodeURIComponent(id)}/versions`, what);
    if (answer.status === 404) return {};
    const parsed = subjectVersions.safeParse(answerJson(http, answer, what));
    if (!parsed.success) return {};
    const own = parsed.data.find(
      (entry) => entry.subject === `${topic}-value` || entry.subject === `${topic}-key`,
    );
    const chosen = own ?? parsed.data[0];
    return chosen ? { subject: chosen.subject, version: chosen.version } : {};
  }
}

function parseAnswer(body: unknown, what: string): z.infer<typeof schemaAnswer> {
  const parsed = schemaAnswer.safeParse(body);
  if (!parsed.success) {
    throw new CaptureError(`the registry's answer to ${what} is not a schema`, {
      retriable: false,
      cause: parsed.error,
    });
  }
  return parsed.data;
}
