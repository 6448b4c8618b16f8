// Model files of recurrent networks: the same container as Network's (model-format.ts), with the
// spec JSON marked "kind": "recurrent" and the carried hidden state in the reserved section
// "recurrent-state" (u32 count, f64 values, [batch][H]). loadModel refuses such a file by name and
// loadRecurrentModel refuses a dense one, each with EP_ERR_CORE_MODEL_MISMATCH.
import { CoreErrorCodes } from "./errors.ts";
import type { Precision } from "./kernels/types.ts";
import { readModelFile, writeModelBytes } from "./model-file.ts";
import { decodeF64Section, encodeF64Section, encodeParts, modelError as fail } from "./model-format.ts";
import { RecurrentNetwork } from "./recurrent.ts";
import { type RecurrentSpec, recurrentSpecForFile, resolveRecurrentSpec } from "./recurrent-spec.ts";

export interface RecurrentLoadOptions {
  /** Default: the saved one. With another batch size the carried state starts at zero. */
  batchSize?: number;
  precision?: Precision;
  kernels?: string;
}

export function saveRecurrentModel(net: RecurrentNetwork, path: string): void {
  const bytes = encodeParts({
    spec: recurrentSpecForFile(net.spec),
    precision: net.spec.dense.precision,
    params: net.params,
    steps: net.steps,
    optimizerState: net.optimizerState,
    reserved: { "recurrent-state": encodeF64Section(net.state) },
  });
  writeModelBytes(bytes, path);
}

export function loadRecurrentModel(path: string, options: RecurrentLoadOptions = {}): RecurrentNetwork {
  const parsed = readModelFile(path);
  const saved = parsed.spec as unknown as RecurrentSpec & { kind?: string };
  if (saved.kind !== "recurrent") throw fail(CoreErrorCodes.MODEL_MISMATCH, path, "not a recurrent model (load it with loadModel)");
  let resolved;
  try {
    resolved = resolveRecurrentSpec({
      ...saved,
      batchSize: options.batchSize ?? saved.batchSize,
      precision: options.precision ?? saved.precision,
      kernels: options.kernels ?? "auto",
    });
  } catch (e) {
    throw fail(CoreErrorCodes.MODEL_MISMATCH, path, `invalid spec: ${(e as Error).message}`);
  }
  const net = new RecurrentNetwork(resolved);
  if (parsed.params.length !== net.params.length) {
    throw fail(CoreErrorCodes.MODEL_MISMATCH, path, `${parsed.params.length} parameters stored, the spec needs ${net.params.length}`);
  }
  if (parsed.state.length !== net.optimizerState.length || parsed.state.some((s) => s.length !== net.params.length)) {
    throw fail(CoreErrorCodes.MODEL_MISMATCH, path, `optimizer state has ${parsed.state.length} slot(s), the spec needs ${net.optimizerState.length} of ${net.params.length} values`);
  }
  const raw = parsed.reserved.get("recurrent-state");
  const state = raw ? decodeF64Section(raw) : null;
  if (state === null) throw fail(CoreErrorCodes.MODEL_MISMATCH, path, `section "recurrent-state" is missing or malformed`);
  net.params.set(parsed.params);
  parsed.state.forEach((s, i) => net.optimizerState[i].set(s));
  net.steps = parsed.steps;
  if (state.length === net.state.length) net.state.set(state);
  else if (options.batchSize === undefined) {
    throw fail(CoreErrorCodes.MODEL_MISMATCH, path, `carried state holds ${state.length} values, the spec needs ${net.state.length}`);
  }
  return net;
}
