import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEventHubsEventFile, readKafkaEventFile } from '../../../../local/platforms/eventFiles.js';

/** Writes `content` to a fresh temporary file and returns its path. */
function eventFile(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'event-file-')), 'event.json');
  writeFileSync(path, content);
  return path;
}

describe('Function: readEventHubsEventFile', () => {
  it('turns text bodies into UTF-8 bytes and base64 bodies into their bytes', () => {
    // Prepare
    const path = eventFile(
      JSON.stringify({ messages: ['grüße', { base64: '/wDDKA==' }], triggerMetadata: { a: 1 } }),
    );

    // Act
    const file = readEventHubsEventFile(path);

    // Assess
    expect(file.messages.map((body) => body.toString('hex'))).toEqual([
      Buffer.from('grüße').toString('hex'),
      'ff00c328',
    ]);
    expect(file.triggerMetadata).toEqual({ a: 1 });
  });

  it.each([
    ['not JSON', '{ messages: ', /cannot read as JSON/],
    ['missing triggerMetadata', JSON.stringify({ messages: [] }), /triggerMetadata/],
    ['a body that is a number', JSON.stringify({ messages: [1], triggerMetadata: {} }), /messages/],
    [
      'a body with bad base64',
      JSON.stringify({ messages: [{ base64: 'a$==' }], triggerMetadata: {} }),
      /base64/,
    ],
  ])('throws an error naming the file when it is %s', (_, content, message) => {
    // Prepare
    const path = eventFile(content);

    // Act
    const act = () => readEventHubsEventFile(path);

    // Assess
    expect(act).toThrow(path);
    expect(act).toThrow(message);
  });
});

describe('Function: readKafkaEventFile', () => {
  it('returns the events untouched', () => {
    // Prepare
    const events = ['{"Offset":1}', { Offset: 2 }];
    const path = eventFile(JSON.stringify({ events }));

    // Act
    const file = readKafkaEventFile(path);

    // Assess
    expect(file.events).toEqual(events);
  });

  it('throws an error naming the file when events is missing', () => {
    // Prepare
    const path = eventFile(JSON.stringify({ messages: [] }));

    // Act
    const act = () => readKafkaEventFile(path);

    // Assess
    expect(act).toThrow(path);
  });
});
