import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { BlobServiceClient } from '@azure/storage-blob';
import { s3ClientFor } from '../../shared/stores/s3/createS3Store.js';
import { MINUTE_MS } from '../../shared/time.js';
import type { Lake, RunningEmulators } from '../emulators/openLake.js';

/** A minute's object and when it became visible. */
export interface ObjectTime {
  readonly path: string;
  readonly visibleAt: number;
}

/** From a minute's end to its object being visible, in seconds. */
export interface SealLatency {
  readonly objects: number;
  readonly p50Seconds: number;
  readonly p99Seconds: number;
  readonly maxSeconds: number;
}

/** Every raw object of a lake on an emulator with its last-modified time, read past any fault proxy. */
export async function objectTimes(lake: Lake, direct: RunningEmulators): Promise<ObjectTime[]> {
  const times: ObjectTime[] = [];
  if (lake.kind === 'azurite' && direct.azuriteConnectionString !== undefined) {
    const container = BlobServiceClient.fromConnectionString(
      direct.azuriteConnectionString,
    ).getContainerClient(lake.storage.container);
    for await (const blob of container.listBlobsFlat({ prefix: 'raw/' }))
      times.push({ path: blob.name, visibleAt: blob.properties.lastModified.getTime() });
  } else if (lake.kind === 's3' && direct.s3Endpoint !== undefined) {
    const client = s3ClientFor({ endpoint: direct.s3Endpoint });
    try {
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({
            Bucket: lake.storage.container,
            Prefix: 'raw/',
            ContinuationToken: token,
          }),
        );
        for (const object of page.Contents ?? [])
          if (object.Key && object.LastModified)
            times.push({ path: object.Key, visibleAt: object.LastModified.getTime() });
        token = page.NextContinuationToken;
      } while (token !== undefined);
    } finally {
      client.destroy();
    }
  }
  return times;
}

/**
 * Seal latency of a minute's object in the default layout (`…/yyyy/MM/dd/HH/mm/<partition>-…`): from
 * the minute's end to the object's time. Late objects, and minutes from `until` on (sealed at once by
 * the final drain, which moves its clock ahead), are left out.
 */
export function sealLatencyOf(times: readonly ObjectTime[], until: number): SealLatency {
  const seconds: number[] = [];
  for (const { path, visibleAt } of times) {
    if (path.includes('.late.')) continue;
    const found = /\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/(\d{2})\/[^/]+$/.exec(path);
    if (found === null) continue;
    const [, year, month, day, hour, minute] = found.map(Number) as number[];
    const minuteEnd = Date.UTC(year as number, (month as number) - 1, day, hour, minute) + MINUTE_MS;
    if (minuteEnd > until - MINUTE_MS) continue;
    seconds.push((visibleAt - minuteEnd) / 1000);
  }
  seconds.sort((a, b) => a - b);
  const at = (share: number) =>
    seconds[Math.min(seconds.length - 1, Math.floor(share * seconds.length))] ?? 0;
  return {
    objects: seconds.length,
    p50Seconds: at(0.5),
    p99Seconds: at(0.99),
    maxSeconds: seconds.at(-1) ?? 0,
  };
}
