import { motoProgram, type RunningMotoServer, startMotoServer } from './motoServer.js';

/**
 * moto's server for AWS Glue alone: the Schema Registry API (create_registry, create_schema,
 * register_schema_version, get_schema_version) and the Data Catalog's databases and tables, from the
 * S3 server's venv. Two changes, so that it decides an Iceberg commit as Glue does. moto ignores
 * UpdateTable's \`VersionId\`, where Glue refuses the update with ConcurrentModificationException
 * unless the table is still at that version: the server checks it. And requests run one at a time,
 * so that check and the update are one step, as Glue's are.
 */
const MOTO_GLUE_SERVER = motoProgram(
  'glue',
  `
from moto.core.exceptions import JsonRESTError
from moto.glue.responses import GlueResponse

moto_update_table = GlueResponse.update_table

def update_table(self):
    expected = self.parameters.get("VersionId")
    if expected is not None:
        table = self.glue_backend.get_table(self.parameters["DatabaseName"], self.parameters["TableInput"]["Name"])
        if str(table._current_version) != expected:
            raise JsonRESTError("ConcurrentModificationException", f"the table is at version {table._current_version}, not {expected}")
    return moto_update_table(self)

GlueResponse.update_table = update_table
`,
);

/** Endpoint for a Glue client (`new GlueClient({ endpoint })`); its registries and tables go when stopped. */
export type RunningGlueRegistry = RunningMotoServer;

/**
 * Starts moto's Glue server on a free loopback port and resolves once it answers HTTP. Install moto
 * first (`npm run s3:install`). moto's quirks: `create_schema` requires `Compatibility`, and an
 * unknown schema version id answers `EntityNotFoundException` with HTTP 400.
 */
export async function startGlueRegistry(): Promise<RunningGlueRegistry> {
  return startMotoServer({
    program: MOTO_GLUE_SERVER,
    what: "moto's Glue server",
    // Any HTTP answer, even an error for a request without an action, means it is listening.
    answers: () => true,
  });
}
