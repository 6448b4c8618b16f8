// Model files on disk: atomic save, and load into a new network of any batch size and precision.
// The byte format and its checks are in model-format.ts.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CoreErrorCodes } from "./errors.ts";
import type { Precision } from "./kernels/types.ts";
import { optimizerStateSlots, paramCountOf } from "./layout.ts";
import { type ParsedModel, decodeF64Section, decodeModel, encodeModel, modelError as fail } from "./model-format.ts";
import { Network } from "./network.ts";
import { resolveSpec } from "./spec.ts";

export interface SaveOptions {
  /** Extension sections by name (not "spec", "params" or "optimizer"), stored verbatim. */
  sections?: Record<string, Uint8Array>;
}

export interface LoadOptions {
  /** Batch size of the loaded network; default: the saved one. */
  batchSize?: number;
  /** Precision of the loaded network; default: the saved one. Values are converted. */
  precision?: Precision;
  /** Kernel choice for the loaded network; default "auto". */
  kernels?: string;
}

export interface LoadedModel {
  network: Network;
  /** Extension sections found in the file, by name. */
  sections: Map<string, Uint8Array>;
}

export function saveModel(net: Network, path: string, options: SaveOptions = {}): void {
  writeModelBytes(encodeModel(net, options.sections), path);
}

/** Writes encoded model bytes atomically: temp file in the same folder, fsync, rename, fsync of the folder. */
export function writeModelBytes(bytes: Uint8Array, path: string): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = openSync(tmp, "w", 0o644);
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    const dfd = openSync(dir, "r");
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* already renamed or never created */ }
    throw fail(CoreErrorCodes.MODEL_IO, path, `cannot write: ${(e as Error).message}`);
  }
}

/** Reads and decodes a model file (all container checks), whatever model kind it holds. */
export function readModelFile(path: string): ParsedModel {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw fail(CoreErrorCodes.MODEL_IO, path, `cannot read: ${(e as Error).message}`);
  }
  return decodeModel(bytes, path);
}

export function loadModelFile(path: string, options: LoadOptions = {}): LoadedModel {
  const parsed = readModelFile(path);
  const kind = (parsed.spec as { kind?: unknown }).kind;
  if (kind !== undefined) {
    throw fail(CoreErrorCodes.MODEL_MISMATCH, path, `holds a ${String(kind)} model; load it with its own loader (e.g. loadRecurrentModel)`);
  }
  let resolved;
  try {
    resolved = resolveSpec({
      ...parsed.spec,
      batchSize: options.batchSize ?? parsed.spec.batchSize,
      precision: options.precision ?? parsed.spec.precision,
      kernels: options.kernels ?? "auto",
    });
  } catch (e) {
    throw fail(CoreErrorCodes.MODEL_MISMATCH, path, `invalid spec: ${(e as Error).message}`);
  }
  const expected = paramCountOf(resolved);
  if (parsed.params.length !== expected) {
    throw fail(CoreErrorCodes.MODEL_MISMATCH, path, `${parsed.params.length} parameters stored, the spec needs ${expected}`);
  }
  const slots = optimizerStateSlots(resolved);
  if (parsed.state.length !== slots || parsed.state.some((s) => s.length !== expected)) {
    throw fail(CoreErrorCodes.MODEL_MISMATCH, path, `optimizer state has ${parsed.state.length} slot(s), the spec needs ${slots} of ${expected} values`);
  }
  const normCount = resolved.layers.reduce((n, l) => n + (l.batchNorm ? 2 * l.units : 0), 0);
  const norm = parsed.reserved.get("batchnorm");
  const normValues = norm ? decodeF64Section(norm) : null;
  if (normCount > 0 && (normValues === null || normValues.length !== normCount)) {
    throw fail(CoreErrorCodes.MODEL_MISMATCH, path, `batch-norm running statistics: the spec needs ${normCount} values, the file has ${normValues ? normValues.length : "none"}`);
  }
  const network = new Network(resolved);
  if (normValues && normCount > 0) network.normState.set(normValues);
  network.params.set(parsed.params);
  parsed.state.forEach((s, i) => network.optimizerState[i].set(s));
  network.steps = parsed.steps;
  return { network, sections: parsed.sections };
}

/** Loads a model into a new network (any batch size and precision). */
export function loadModel(path: string, options: LoadOptions = {}): Network {
  return loadModelFile(path, options).network;
}
