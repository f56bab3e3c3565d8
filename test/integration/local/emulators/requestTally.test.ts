import { describe, expect, inject, it } from 'vitest';
import { type LakeKind, openLake } from '../../../../local/emulators/openLake.js';
import { createRequestTally } from '../../../../local/emulators/storageRequests.js';
import { EMPTY_LEDGER } from '../../../../shared/ledger.js';

const emulators = () => ({
  azuriteConnectionString: inject('azuriteConnectionString'),
  s3Endpoint: inject('s3Endpoint'),
  dynamodbEndpoint: inject('dynamodbEndpoint'),
});

describe('openLake with a request tally', () => {
  it.each([
    [
      's3',
      false,
      {
        setup: 1,
        's3 PUT/COPY/POST': 3,
        's3 GET/HEAD': 1,
        's3 LIST': 1,
        's3 DELETE': 1,
      },
    ],
    [
      's3',
      true,
      {
        // The bucket, and the table's creation (the ledger store's first call).
        setup: 2,
        // The staging, and the bucket's mark that the partition's ledger is in the table (its first item).
        's3 PUT/COPY/POST': 2,
        's3 GET/HEAD': 1,
        's3 LIST': 1,
        's3 DELETE': 1,
        'dynamodb write': 2,
      },
    ],
    [
      'azurite',
      false,
      {
        setup: 2,
        'blob write': 1,
        'blob read': 1,
        'blob list': 1,
        'blob delete': 1,
        'table entity': 2,
      },
    ],
  ] as const)(
    'counts every request the %s store makes (ledger in a table: %s), by kind',
    async (kind, ledgerInTable, expected) => {
      // Prepare
      const tally = createRequestTally('work');
      const lake = await openLake(kind as LakeKind, { emulators: emulators(), tally, ledgerInTable });
      try {
        // Act: a staging, a ledger create and replace (the replace from the create's version), a read,
        // a listing and a delete.
        await lake.store.objects.stage('_staging/t/0/a.jsonl', Buffer.from('{}\n'));
        const version = await lake.store.ledger.write('t', '0', EMPTY_LEDGER, null);
        await lake.store.ledger.write('t', '0', EMPTY_LEDGER, version);
        await lake.store.objects.read('_staging/t/0/a.jsonl');
        await lake.store.objects.list('_staging/');
        await lake.store.objects.deleteStaged(['_staging/t/0/a.jsonl']);

        // Assess
        expect(tally.byPhase()).toEqual({ work: expected });
      } finally {
        await lake.close();
      }
    },
  );
});
