/**
 * A decimal's exact text from its unscaled value as big-endian two's complement bytes and its scale,
 * as Avro's `decimal` and Confluent's Protobuf `confluent.type.Decimal` carry it.
 *
 * @example decimalText(Buffer.from([0x04, 0xd2]), 2) // '12.34'
 */
export function decimalText(unscaled: Uint8Array, scale: number): string {
  let value = 0n;
  for (const byte of unscaled) value = (value << 8n) | BigInt(byte);
  const first = unscaled[0];
  if (first !== undefined && first & 0x80) value -= 1n << BigInt(unscaled.length * 8);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString();
  if (scale <= 0) return `${negative ? '-' : ''}${digits}${'0'.repeat(-scale)}`;
  const padded = digits.padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}
