// A feature vector as a BLOB: the float64 values, little-endian (the byte order of every platform
// edgeprop runs on, x86-64 and ARM; checked below so a big-endian host fails loudly, not silently).

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

export function encodeVector(values: Float64Array | readonly number[]): Buffer {
  if (!LITTLE_ENDIAN) throw new Error("feature BLOBs are little-endian float64; this host is big-endian");
  const f64 = values instanceof Float64Array ? values : Float64Array.from(values);
  return Buffer.from(f64.buffer, f64.byteOffset, f64.byteLength);
}

export function decodeVector(blob: Buffer | Uint8Array): Float64Array {
  if (blob.byteLength % 8 !== 0) throw new Error(`feature BLOB of ${blob.byteLength} bytes is not a whole number of float64 values`);
  // Copy: a Buffer from SQLite need not be 8-byte aligned.
  const out = new Float64Array(blob.byteLength / 8);
  new Uint8Array(out.buffer).set(blob);
  return out;
}
