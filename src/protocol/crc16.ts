// CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, not reflected, xorout 0x0000.
// Check value: crc16 of ASCII "123456789" is 0x29B1.
// Table-driven, two bytes a step: x = crc ^ (b0 << 8 | b1), crc' = HI[x >> 8] ^ LO[x & 0xFF],
// where LO is the usual one-byte table and HI[i] = LO[i] advanced by one more zero byte.

const LO = new Uint16Array(256);
const HI = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  LO[i] = crc;
}
for (let i = 0; i < 256; i++) HI[i] = ((LO[i] << 8) & 0xffff) ^ LO[LO[i] >>> 8];

/** CRC of bytes[start, end); allocation-free. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  let i = start;
  for (; i + 1 < end; i += 2) {
    const x = crc ^ ((bytes[i] << 8) | bytes[i + 1]);
    crc = HI[x >>> 8] ^ LO[x & 0xff];
  }
  if (i < end) crc = ((crc << 8) & 0xff00) ^ LO[((crc >>> 8) ^ bytes[i]) & 0xff];
  return crc;
}
