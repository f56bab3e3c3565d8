import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, serviceNameOf } from '../../../functions/aws/metricNames.js';
import { CAPTURE_REPORT } from '../../../functions/aws/observability.js';
import { emptySummary } from '../../../shared/pipeline/summary.js';

/**
 * The log bytes each invocation adds beside the line our code writes locally, built from the
 * platforms' documented record formats with typical values (no cloud account here to capture real
 * ones): what the bill prices as log ingestion. Each figure says how it was made.
 */
export interface InvocationLogBytes {
  /** Bytes the platform wraps around our one line (Powertools' envelope; the Application Insights row). */
  readonly envelope: number;
  /** Bytes of records our code adds beside its line (Lambda: the CloudWatch embedded metrics blob). */
  readonly metrics: number;
  /** The platform's own records of the invocation (Lambda START/END/REPORT; the host's Executing/Executed traces). */
  readonly platform: number;
  readonly how: string;
}

const REQUEST_ID = '3f1c2b9e-7a4d-4e1b-9c2f-5d8e6a7b1c0d';
const TIME = '2026-01-05T09:01:30.123Z';

/** START, END and REPORT of one warm invocation, in the format the Lambda guide documents. */
function lambdaPlatformLines(memoryMb: number): string {
  return [
    `START RequestId: ${REQUEST_ID} Version: $LATEST`,
    `END RequestId: ${REQUEST_ID}`,
    `REPORT RequestId: ${REQUEST_ID}\tDuration: 1234.56 ms\tBilled Duration: 1235 ms\tMemory Size: ${memoryMb} MB\tMax Memory Used: 187 MB\t`,
  ].join('\n');
}

/** What Powertools' logger adds to a line's own fields: its standard keys with the Lambda context's values. */
function powertoolsEnvelope(topic: string, functionName: string, memoryMb: number): string {
  return JSON.stringify({
    level: 'INFO',
    message: 'capture.invocation',
    timestamp: TIME,
    service: serviceNameOf(topic),
    cold_start: false,
    function_arn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    function_memory_size: String(memoryMb),
    function_name: functionName,
    function_request_id: REQUEST_ID,
    sampling_rate: 0,
    xray_trace_id: '1-6789abcd-0123456789abcdef01234567',
  });
}

/** The embedded-metric-format blob Powertools flushes per capture invocation, built by Powertools itself. */
function captureMetricsBlob(topic: string): string {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: serviceNameOf(topic) });
  metrics.addDimensions({ topic });
  CAPTURE_REPORT.addMetrics(metrics, { ...emptySummary(), records: 1000, partitions: 1, lagMs: 1200 });
  return JSON.stringify(metrics.serializeMetrics());
}

export function lambdaInvocationLogBytes(
  topic: string,
  functionName: string,
  memoryMb: number,
): InvocationLogBytes {
  return {
    envelope: powertoolsEnvelope(topic, functionName, memoryMb).length + 1,
    metrics: captureMetricsBlob(topic).length + 1,
    platform: lambdaPlatformLines(memoryMb).length + 1,
    how:
      'Lambda: START/END/REPORT in the documented format and Powertools’ logger keys, built with typical values; ' +
      'the embedded metrics blob serialized by Powertools Metrics with the capture metrics; not captured from a real account',
  };
}

/**
 * One Application Insights trace row (AppTraces) as Log Analytics bills it, from the table's documented
 * columns with typical values, without the line's own text: a per-row overhead.
 */
function appTracesRow(message: string, category: string): string {
  return JSON.stringify({
    TimeGenerated: TIME,
    Message: message,
    SeverityLevel: 1,
    Properties: {
      Category: category,
      LogLevel: 'Information',
      HostInstanceId: '6c1a9d2e-2f4b-4b8e-9d6a-1e2f3a4b5c6d',
      InvocationId: REQUEST_ID,
      ProcessId: '42',
    },
    OperationName: 'eventhub-ingest',
    OperationId: '0af7651916cd43dd8448eb211c80319c',
    ParentId: 'b7ad6b7169203331',
    AppRoleName: 'capture-orders',
    AppRoleInstance: 'a1b2c3d4e5f6',
    ClientType: 'PC',
    ClientIP: '0.0.0.0',
    ResourceGUID: '9f8e7d6c-5b4a-3c2d-1e0f-a9b8c7d6e5f4',
    SDKVersion: 'azurefunctions: 4.1040.300.0',
    ItemCount: 1,
  });
}

export function azureInvocationLogBytes(functionName: string): InvocationLogBytes {
  const executing = `Executing 'Functions.${functionName}' (Reason='(null)', Id=${REQUEST_ID})`;
  const executed = `Executed 'Functions.${functionName}' (Succeeded, Id=${REQUEST_ID}, Duration=1235ms)`;
  const hostCategory = `Function.${functionName}`;
  return {
    envelope: appTracesRow('', `${hostCategory}.User`).length,
    metrics: 0,
    platform: appTracesRow(executing, hostCategory).length + appTracesRow(executed, hostCategory).length,
    how:
      'Application Insights: AppTraces rows (our line; the host’s Executing and Executed traces) built from the table’s ' +
      'documented columns with typical values, not captured; failed-request rows only (host.json logs Host.Results at Error)',
  };
}
