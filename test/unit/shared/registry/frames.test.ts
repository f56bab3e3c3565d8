import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { azureFrame, confluentFrame, glueFrame } from '../../../../shared/registry/frames.js';

const UUID_BYTES = Buffer.from('b7e1f6a2c3d44e5f8a9b0c1d2e3f4a5b', 'hex');
const UUID = 'b7e1f6a2-c3d4-4e5f-8a9b-0c1d2e3f4a5b';

describe('Function: confluentFrame', () => {
  it('reads the big-endian schema id after the magic byte and leaves the rest as the payload', () => {
    // Act
    const frame = confluentFrame(Buffer.from([0, 0x01, 0x02, 0x03, 0x04, 0xaa, 0xbb]));

    // Assess
    expect(frame).toEqual({ framed: true, schemaId: String(0x01020304), payload: Buffer.from([0xaa, 0xbb]) });
  });

  it.each([
    ['shorter than the header', Buffer.from([0, 0, 0, 1]), /shorter than Confluent's 5-byte header/],
    ['another magic byte', Buffer.from([0x7b, 0, 0, 0, 1]), /first byte is 0x7b/],
    ['empty', Buffer.alloc(0), /0 bytes/],
  ])('says why bytes %s are not framed', (_, bytes, problem) => {
    // Act
    const frame = confluentFrame(bytes);

    // Assess
    expect(frame.framed).toBe(false);
    expect(frame.framed ? '' : frame.problem).toMatch(problem);
  });
});

describe('Function: glueFrame', () => {
  it.each([
    ['uncompressed', 0, Buffer.from('avro bytes')],
    ['zlib-compressed', 5, deflateSync(Buffer.from('avro bytes'))],
  ])('reads the schema version UUID of an %s payload', (_, compression, body) => {
    // Act
    const frame = glueFrame(Buffer.concat([Buffer.from([3, compression]), UUID_BYTES, body]));

    // Assess
    expect(frame).toEqual({ framed: true, schemaId: UUID, payload: Buffer.from('avro bytes') });
  });

  it.each([
    ['another header version', Buffer.concat([Buffer.from([2, 0]), UUID_BYTES]), /not Glue's header version/],
    [
      'an unknown compression byte',
      Buffer.concat([Buffer.from([3, 1]), UUID_BYTES]),
      /compression byte is 0x01/,
    ],
    [
      'a zlib byte over bytes that do not inflate',
      Buffer.concat([Buffer.from([3, 5]), UUID_BYTES, Buffer.from('no')]),
      /does not inflate/,
    ],
    ['too short for a UUID', Buffer.from([3, 0, 1, 2]), /shorter than Glue's 18-byte header/],
  ])('says why bytes with %s are not framed', (_, bytes, problem) => {
    // Act
    const frame = glueFrame(bytes);

    // Assess
    expect(frame.framed ? '' : frame.problem).toMatch(problem);
  });
});

describe('Function: azureFrame', () => {
  const body = Buffer.from([0x02, 0x61]);

  it.each([
    ['an Event Hubs content type', { 'content-type': 'avro/binary+0a1b2c3d4e5f' }, []],
    ['a lower-camel content type', { contentType: 'avro/binary+0a1b2c3d4e5f' }, []],
    ['a Kafka header', {}, [{ name: 'Content-Type', value: Buffer.from('avro/binary+0a1b2c3d4e5f') }]],
  ])('takes the schema id from %s and the whole body as the payload', (_, systemProperties, headers) => {
    // Act
    const frame = azureFrame(body, systemProperties, headers);

    // Assess
    expect(frame).toEqual({ framed: true, schemaId: '0a1b2c3d4e5f', payload: body });
  });

  it.each([
    ['no content type', {}, /no content type/],
    ['another content type', { 'content-type': 'application/json' }, /not avro\/binary\+<schema id>/],
  ])('says a body with %s is not framed', (_, systemProperties, problem) => {
    // Act
    const frame = azureFrame(body, systemProperties, []);

    // Assess
    expect(frame.framed ? '' : frame.problem).toMatch(problem);
  });
});
