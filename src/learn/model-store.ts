// Model files of the online learners: the core's EPNN container (spec, params, optimizer state)
// with extension sections
//   norm         input normalisation statistics (Normaliser.toBytes)
//   target-norm  the regression target's statistics
//   learner      JSON: kind, task, input names, version, label counts, rollbacks, options
//   replay       the replay buffer (so a restarted controller keeps learning where it stopped)
// loadOnlineModel checks that the file's kind and input names are the ones expected and throws an
// error naming the file otherwise.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { loadModelFile, saveModel } from "../core/index.ts";
import { Normaliser } from "./normaliser.ts";
import { OnlineModel, type OnlineModelOptions } from "./online-model.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

export function saveOnlineModel(model: OnlineModel, path: string): void {
  saveModel(model.net, path, {
    sections: {
      norm: model.norm.toBytes(),
      "target-norm": model.targetNorm.toBytes(),
      learner: enc.encode(JSON.stringify(model.stateJson())),
      replay: model.replayBytes(),
    },
  });
}

/** A model built with `options` (kind, inputs, task as saved) and the file's state copied in. */
export function loadOnlineModel(path: string, options: OnlineModelOptions): OnlineModel {
  const { network, sections } = loadModelFile(path, { batchSize: 1, precision: "f64" });
  const need = (name: string): Uint8Array => {
    const s = sections.get(name);
    if (!s) throw new Error(`${path}: not an online-learner model file (no '${name}' section)`);
    return s;
  };
  const state = JSON.parse(dec.decode(need("learner"))) as Record<string, unknown>;
  if (state.kind !== options.kind) throw new Error(`${path}: holds a '${String(state.kind)}' model, expected '${options.kind}'`);
  const names = state.inputs as string[];
  if (!Array.isArray(names) || names.join(",") !== options.inputs.join(",")) {
    throw new Error(`${path}: its ${Array.isArray(names) ? names.length : "?"} input names differ from the ${options.inputs.length} this controller computes (feature layout changed)`);
  }
  const saved = (state.options ?? {}) as Partial<OnlineModelOptions>;
  const model = new OnlineModel({ ...saved, ...options, hidden: saved.hidden ?? options.hidden, replaySize: saved.replaySize ?? options.replaySize });
  if (Array.isArray(state.use) && state.use.join(",") !== model.used.join(",")) {
    throw new Error(`${path}: its network reads ${state.use.length} inputs, not the ${model.used.length} this controller's ${model.kind} network reads (input selection changed)`);
  }
  if ((saved.targetScale ?? "linear") !== model.opts.targetScale) {
    throw new Error(`${path}: its network learned the target on the ${saved.targetScale ?? "linear"} scale, this controller's ${model.kind} network learns it on the ${model.opts.targetScale} scale`);
  }
  if (network.params.length !== model.net.params.length) throw new Error(`${path}: ${network.params.length} parameters, expected ${model.net.params.length}`);
  model.net.params.set(network.params);
  for (let k = 0; k < model.net.optimizerState.length && k < network.optimizerState.length; k++) model.net.optimizerState[k].set(network.optimizerState[k]);
  model.net.steps = network.steps;
  model.norm.copyFrom(Normaliser.fromBytes(need("norm"), path));
  model.targetNorm.copyFrom(Normaliser.fromBytes(need("target-norm"), path));
  model.loadReplay(need("replay"), path);
  model.restoreState(state);
  return model;
}

/** The model in `dir`/<kind>.epnn when that file exists, else null; a file that does not load is
 *  reported through `onError` and a new model is used (the learner starts over, never stops). */
export function loadIfPresent(dir: string | undefined, options: OnlineModelOptions, onError: (msg: string) => void): OnlineModel | null {
  if (!dir) return null;
  const path = join(dir, `${options.kind}.epnn`);
  if (!existsSync(path)) return null;
  try {
    return loadOnlineModel(path, options);
  } catch (e) {
    onError(`${path}: ${(e as Error).message}; starting a new ${options.kind} model`);
    return null;
  }
}

export function saveIn(dir: string | undefined, model: OnlineModel): void {
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  saveOnlineModel(model, join(dir, `${model.kind}.epnn`));
}
