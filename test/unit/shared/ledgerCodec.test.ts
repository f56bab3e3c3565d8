import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../../shared/errors.js';
import { EMPTY_LEDGER, type PartitionLedger } from '../../../shared/ledger.js';
import { decodeLedger, encodeLedger } from '../../../shared/ledgerCodec.js';

const LEDGER_BEFORE_GENERATIONS = {
  stagedThrough: 41,
  maxRecordTime: 1_763_726_400_000,
  closedThrough: 29_395_440,
  open: [
    {
      kind: 'data',
      minute: 29_395_441,
      first: 40,
      last: 41,
      records: 2,
      bytes: 120,
      encoding: '.jsonl.gz',
      digest: 'ab12',
      stagedAt: 1_763_726_401_000,
    },
  ],
  pending: [],
};

describe('Function: decodeLedger', () => {
  it('reads a ledger written before generations as generation 0 without evidence', () => {
    // Act
    const state = decodeLedger(JSON.stringify(LEDGER_BEFORE_GENERATIONS), 'ledger.json');

    // Assess
    expect(state).toEqual({
      ...LEDGER_BEFORE_GENERATIONS,
      generation: 0,
      brokerTimeThrough: null,
      firstStaged: null,
      anchors: [],
      captured: null,
      redeliveryConfirmedThrough: null,
    });
  });

  it('reads back what encodeLedger wrote', () => {
    // Prepare
    const state: PartitionLedger = {
      ...EMPTY_LEDGER,
      generation: 2,
      stagedThrough: 7,
      firstStaged: { position: 0, fingerprint: 'f0' },
      anchors: [{ position: 7, fingerprint: 'f7' }],
      captured: { from: 10, through: 20, anchor: { position: 10, fingerprint: 'f10' } },
    };

    // Act
    const decoded = decodeLedger(encodeLedger(state), 'ledger.json');

    // Assess
    expect(decoded).toEqual(state);
  });

  it.each([
    ['not JSON', '{"stagedThrough": 4,', 'it is not JSON'],
    ['a number where a position goes', '{"stagedThrough": "4"}', 'stagedThrough: Invalid input'],
    [
      'an unknown field',
      JSON.stringify({ ...LEDGER_BEFORE_GENERATIONS, extra: 1 }),
      'the document: Unrecognized key',
    ],
    [
      'a segment without its digest',
      JSON.stringify({ ...LEDGER_BEFORE_GENERATIONS, open: [{ kind: 'data', minute: 1 }] }),
      'open.0.first: Invalid input',
    ],
  ])('refuses %s as permanent, naming the ledger and the repair command', (_case, text, reason) => {
    // Act
    const decoding = () => decodeLedger(text, '_ledger/orders/0.json');

    // Assess
    expect(decoding).toThrow(`ledger _ledger/orders/0.json is unreadable: ${reason}`);
    expect(decoding).toThrow('npm run invoke -- repair-ledger');
    expect(decoding).toThrow(CaptureError);
  });
});
