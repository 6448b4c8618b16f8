// The model file format: encoding a network to bytes and decoding bytes back, with every check.
// Reading and writing files is model-file.ts.
//
// Layout (all integers and floats little-endian):
//   0   4  magic "EPNN"
//   4   2  format version (FORMAT_VERSION)
//   6   2  reserved, 0
//   8   4  total file length in bytes
//   12  4  CRC-32 of bytes 0..11 (so a damaged length reads as corruption, not truncation)
//   16  4  section count N
//   20     N sections: u16 name length, name (UTF-8), u32 data length, data
//   end-4  CRC-32 (IEEE) of every byte before it
// Checks on load, in order: magic, version, header checksum, length (truncation), checksum of the
// whole file (corruption), then the structure and its agreement with the spec (mismatch).
// Sections written by the core:
//   "spec"      UTF-8 JSON of the network spec (no host-specific choices such as kernels)
//   "params"    u8 precision (0 f64, 1 f32), 3 bytes 0, u32 count, count values
//   "optimizer" f64 step count, u32 slots, u32 count per slot, u8 precision, 3 bytes 0, slots×count values
//   "batchnorm" only for networks with batch-normalised layers: u32 count, count f64 values (the
//               running means and variances, Network.normState)
// Other model kinds reuse the container with their own spec JSON ("kind" names them, see
// recurrent-file.ts) and may add reserved sections of their own (OPTIONAL_SECTIONS).
// Any other name is an extension section (e.g. normalisation data added by later issues): saved
// from SaveOptions.sections, returned by loadModelFile, skipped by loadModel.
import { crc32 } from "./crc32.ts";
import { CoreError, CoreErrorCodes, type CoreErrorCode } from "./errors.ts";
import type { Precision } from "./kernels/types.ts";
import type { Network } from "./network.ts";
import { type NetworkSpec, specForFile } from "./spec.ts";

export const MAGIC = "EPNN";
export const FORMAT_VERSION = 1;
const CORE_SECTIONS = ["spec", "params", "optimizer"];
/** Reserved names the core writes only when a model needs them; never passed on as extensions. */
export const OPTIONAL_SECTIONS = ["batchnorm", "recurrent-state"];
const RESERVED = [...CORE_SECTIONS, ...OPTIONAL_SECTIONS];
const HEADER_BYTES = 20;

export function modelError(code: CoreErrorCode, path: string, reason: string): CoreError {
  return new CoreError(code, `model file ${path}: ${reason}`, { file: path, reason });
}

class Writer {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void { this.reserve(1); this.view.setUint8(this.length, v); this.length += 1; }
  u16(v: number): void { this.reserve(2); this.view.setUint16(this.length, v, true); this.length += 2; }
  u32(v: number): void { this.reserve(4); this.view.setUint32(this.length, v, true); this.length += 4; }
  f64(v: number): void { this.reserve(8); this.view.setFloat64(this.length, v, true); this.length += 8; }
  bytes(b: Uint8Array): void { this.reserve(b.length); this.buf.set(b, this.length); this.length += b.length; }
  values(a: ArrayLike<number>, precision: Precision): void {
    const size = precision === "f64" ? 8 : 4;
    this.reserve(a.length * size);
    for (let i = 0; i < a.length; i++) {
      if (size === 8) this.view.setFloat64(this.length, a[i], true);
      else this.view.setFloat32(this.length, a[i], true);
      this.length += size;
    }
  }
  finish(): Uint8Array { return this.buf.subarray(0, this.length); }
}

function section(w: Writer, name: string, fill: (s: Writer) => void): void {
  const s = new Writer();
  fill(s);
  const nameBytes = new TextEncoder().encode(name);
  w.u16(nameBytes.length);
  w.bytes(nameBytes);
  w.u32(s.length);
  w.bytes(s.finish());
}

/** What the container holds of a model: its spec JSON, parameters, optimizer state and any
 *  reserved optional sections (already encoded). */
export interface ModelParts {
  spec: unknown;
  precision: Precision;
  params: ArrayLike<number>;
  steps: number;
  optimizerState: ArrayLike<number>[];
  reserved?: Record<string, Uint8Array>;
}

/** Values as a reserved section: u32 count, then count f64. */
export function encodeF64Section(values: ArrayLike<number>): Uint8Array {
  const w = new Writer();
  w.u32(values.length);
  w.values(values, "f64");
  return w.finish().slice();
}

/** Reverse of encodeF64Section; null when the section is malformed. */
export function decodeF64Section(data: Uint8Array): Float64Array | null {
  if (data.length < 4) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = view.getUint32(0, true);
  if (data.length !== 4 + count * 8) return null;
  return readValues(view, 4, count, "f64");
}

/** Extension sections: any name but the reserved ones, 1..255 bytes long. */
export function encodeModel(net: Network, sections: Record<string, Uint8Array> = {}): Uint8Array {
  return encodeParts(
    {
      spec: specForFile(net.spec),
      precision: net.spec.precision,
      params: net.params,
      steps: net.steps,
      optimizerState: net.optimizerState,
      reserved: net.normState.length > 0 ? { batchnorm: encodeF64Section(net.normState) } : {},
    },
    sections,
  );
}

export function encodeParts(net: ModelParts, sections: Record<string, Uint8Array> = {}): Uint8Array {
  const extra = Object.entries(sections);
  for (const [name] of extra) {
    if (RESERVED.includes(name) || name.length === 0 || name.length > 255) {
      throw new CoreError(CoreErrorCodes.MODEL_IO, `section name "${name}" is reserved or invalid`, { section: name });
    }
  }
  const reserved = Object.entries(net.reserved ?? {});
  const precision = net.precision;
  const w = new Writer();
  w.bytes(new TextEncoder().encode(MAGIC));
  w.u16(FORMAT_VERSION);
  w.u16(0);
  w.u32(0); // total length, patched below
  w.u32(0); // header checksum, patched below
  w.u32(CORE_SECTIONS.length + reserved.length + extra.length);
  section(w, "spec", (s) => s.bytes(new TextEncoder().encode(JSON.stringify(net.spec))));
  section(w, "params", (s) => {
    s.u8(precision === "f64" ? 0 : 1);
    s.u8(0); s.u8(0); s.u8(0);
    s.u32(net.params.length);
    s.values(net.params, precision);
  });
  section(w, "optimizer", (s) => {
    s.f64(net.steps);
    s.u32(net.optimizerState.length);
    s.u32(net.params.length);
    s.u8(precision === "f64" ? 0 : 1);
    s.u8(0); s.u8(0); s.u8(0);
    for (const st of net.optimizerState) s.values(st, precision);
  });
  for (const [name, data] of [...reserved, ...extra]) section(w, name, (s) => s.bytes(data));
  const body = w.finish();
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  const view = new DataView(out.buffer);
  view.setUint32(8, out.length, true);
  view.setUint32(12, crc32(out.subarray(0, 12)), true);
  view.setUint32(body.length, crc32(out.subarray(0, body.length)), true);
  return out;
}

/** Writes the model atomically: temp file in the same folder, fsync, rename, fsync of the folder. */
export interface ParsedModel {
  spec: NetworkSpec;
  precision: Precision;
  params: Float64Array;
  steps: number;
  state: Float64Array[];
  sections: Map<string, Uint8Array>;
  /** Reserved optional sections present in the file (OPTIONAL_SECTIONS). */
  reserved: Map<string, Uint8Array>;
}

function readValues(view: DataView, at: number, count: number, precision: Precision): Float64Array {
  const out = new Float64Array(count);
  const size = precision === "f64" ? 8 : 4;
  for (let i = 0; i < count; i++) out[i] = size === 8 ? view.getFloat64(at + i * 8, true) : view.getFloat32(at + i * 4, true);
  return out;
}

export function decodeModel(bytes: Uint8Array, path: string): ParsedModel {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    if (bytes.length < 4 && MAGIC.startsWith(new TextDecoder().decode(bytes))) {
      throw modelError(CoreErrorCodes.MODEL_TRUNCATED, path, `file is ${bytes.length} bytes, shorter than its ${HEADER_BYTES}-byte header`);
    }
    throw modelError(CoreErrorCodes.MODEL_MAGIC, path, `not an edgeprop model (magic is not "${MAGIC}")`);
  }
  if (bytes.length < 8) {
    throw modelError(CoreErrorCodes.MODEL_TRUNCATED, path, `file is ${bytes.length} bytes, shorter than its ${HEADER_BYTES}-byte header`);
  }
  const version = view.getUint16(4, true);
  if (version !== FORMAT_VERSION) {
    throw modelError(CoreErrorCodes.MODEL_VERSION, path, `format version ${version}, this build reads version ${FORMAT_VERSION}`);
  }
  if (bytes.length < HEADER_BYTES) {
    throw modelError(CoreErrorCodes.MODEL_TRUNCATED, path, `file is ${bytes.length} bytes, shorter than its ${HEADER_BYTES}-byte header`);
  }
  if (view.getUint32(12, true) !== crc32(bytes.subarray(0, 12))) {
    throw modelError(CoreErrorCodes.MODEL_CHECKSUM, path, "header checksum mismatch: the file is corrupted");
  }
  const total = view.getUint32(8, true);
  if (bytes.length < total) {
    throw modelError(CoreErrorCodes.MODEL_TRUNCATED, path, `file is ${bytes.length} bytes, its header says ${total}`);
  }
  if (bytes.length > total) {
    throw modelError(CoreErrorCodes.MODEL_CHECKSUM, path, `file is ${bytes.length} bytes, its header says ${total}: the file is corrupted`);
  }
  const end = bytes.length - 4;
  const stored = view.getUint32(end, true);
  const actual = crc32(bytes.subarray(0, end));
  if (stored !== actual) {
    throw modelError(CoreErrorCodes.MODEL_CHECKSUM, path, `checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)}): the file is corrupted`);
  }
  // From here the bytes are exactly what was written: any inconsistency is a mismatch.
  const count = view.getUint32(16, true);
  const raw = new Map<string, Uint8Array>();
  let at = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const nameLen = at + 2 <= end ? view.getUint16(at, true) : 0;
    if (at + 2 + nameLen + 4 > end) throw modelError(CoreErrorCodes.MODEL_MISMATCH, path, `section ${i + 1} of ${count} runs past the end`);
    const name = new TextDecoder().decode(bytes.subarray(at + 2, at + 2 + nameLen));
    const len = view.getUint32(at + 2 + nameLen, true);
    const start = at + 2 + nameLen + 4;
    if (start + len > end) throw modelError(CoreErrorCodes.MODEL_MISMATCH, path, `section "${name}" declares ${len} bytes, only ${end - start} remain`);
    raw.set(name, bytes.subarray(start, start + len));
    at = start + len;
  }
  if (at !== end) throw modelError(CoreErrorCodes.MODEL_MISMATCH, path, `${end - at} unexpected bytes after the last section`);
  for (const name of CORE_SECTIONS) if (!raw.has(name)) throw modelError(CoreErrorCodes.MODEL_MISMATCH, path, `section "${name}" is missing`);

  let spec: NetworkSpec;
  try {
    spec = JSON.parse(new TextDecoder().decode(raw.get("spec"))) as NetworkSpec;
  } catch (e) {
    throw modelError(CoreErrorCodes.MODEL_MISMATCH, path, `spec section is not JSON: ${(e as Error).message}`);
  }
  const sectionView = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const p = raw.get("params")!;
  if (p.length < 8) throw modelError(CoreErrorCodes.MODEL_MISMATCH, path, `params section is ${p.length} bytes, needs at least 8`);
  const pv = sectionView(p);
  const precisionCode = pv.getUint8(0);
  if (precisionCode > 1) throw modelError(CoreErrorCodes.MODEL_MISMATCH, path, `unknown precision code ${precisionCode}`);
  const precision: Precision = precisionCode === 0 ? "f64" : "f32";
  const size = precision === "f64" ? 8 : 4;
  const paramCount = pv.getUint32(4, true);
  if (p.length !== 8 + paramCount * size) {
    throw modelError(CoreErrorCodes.MODEL_MISMATCH, path, `params section holds ${p.length - 8} bytes, ${paramCount} ${precision} values need ${paramCount * size}`);
  }
  const o = raw.get("optimizer")!;
  if (o.length < 20) throw modelError(CoreErrorCodes.MODEL_MISMATCH, path, `optimizer section is ${o.length} bytes, needs at least 20`);
  const ov = sectionView(o);
  const steps = ov.getFloat64(0, true);
  const slots = ov.getUint32(8, true);
  const perSlot = ov.getUint32(12, true);
  const oPrecision: Precision = ov.getUint8(16) === 0 ? "f64" : "f32";
  const oSize = oPrecision === "f64" ? 8 : 4;
  if (!Number.isInteger(steps) || steps < 0 || o.length !== 20 + slots * perSlot * oSize) {
    throw modelError(CoreErrorCodes.MODEL_MISMATCH, path, `optimizer section is inconsistent (steps ${steps}, ${slots}×${perSlot} values in ${o.length - 20} bytes)`);
  }
  const state: Float64Array[] = [];
  for (let s = 0; s < slots; s++) state.push(readValues(ov, 20 + s * perSlot * oSize, perSlot, oPrecision));
  const sections = new Map<string, Uint8Array>();
  const reserved = new Map<string, Uint8Array>();
  for (const [name, data] of raw) {
    if (OPTIONAL_SECTIONS.includes(name)) reserved.set(name, data.slice());
    else if (!CORE_SECTIONS.includes(name)) sections.set(name, data.slice());
  }
  return { spec, precision, params: readValues(pv, 8, paramCount, precision), steps, state, sections, reserved };
}

/** Loads a model and its extension sections. Throws CoreError (EP_ERR_CORE_MODEL_*) naming the file and reason. */
