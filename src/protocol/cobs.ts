// Consistent Overhead Byte Stuffing into caller-owned buffers (no allocation).
// Encoding follows the usual convention: a block of 254 non-zero bytes is written as 0xFF + 254 bytes
// and, at the end of the data, no empty 0x01 block follows. The decoder accepts either form.
// The 0x00 frame delimiter is not part of these functions.

/** Most encoded bytes (delimiter excluded) that `n` payload bytes can take. */
export function cobsMaxEncodedLength(n: number): number {
  return n + Math.ceil(n / 254) + 1;
}

/**
 * Encodes src[start, end) into out at outOffset. Returns the number of bytes written.
 * The caller guarantees room for cobsMaxEncodedLength(end - start) bytes.
 */
export function cobsEncodeInto(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  outOffset: number,
): number {
  let codePos = outOffset;
  let w = outOffset + 1;
  let code = 1;
  for (let i = start; i < end; i++) {
    const b = src[i];
    if (b === 0) {
      out[codePos] = code;
      codePos = w++;
      code = 1;
    } else {
      out[w++] = b;
      code++;
      if (code === 0xff) {
        out[codePos] = code;
        if (i + 1 === end) return w - outOffset;
        codePos = w++;
        code = 1;
      }
    }
  }
  out[codePos] = code;
  return w - outOffset;
}

/**
 * Decodes the COBS bytes src[start, end) into out from index 0. The caller guarantees that the range
 * holds no 0x00 (the delimiter splits frames; decodeFrame checks its input). Returns the decoded
 * length, or -1 when the input is not valid COBS (a block that runs past the end) or the result
 * would not fit in out.
 */
export function cobsDecodeInto(src: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let r = start;
  let w = 0;
  const cap = out.length;
  while (r < end) {
    const code = src[r++];
    const blockEnd = r + code - 1;
    if (blockEnd > end) return -1;
    if (w + (code - 1) > cap) return -1;
    while (r < blockEnd) out[w++] = src[r++];
    if (code !== 0xff && r < end) {
      if (w >= cap) return -1;
      out[w++] = 0;
    }
  }
  return w;
}
