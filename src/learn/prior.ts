// A prior: a learner model file trained offline (bench/train-prior.ts: on simulator scenarios whose
// seeds no evaluation uses) and shipped with the project (models/prior/), that a learner starts
// from instead of the cold-start rule (config key `prior`, per plugin).
//
//   loadPrior(path, options)  the model in `path` as a starting point for a learner with `options`:
//                             the file must hold the same kind, input layout and input selection
//                             (loadOnlineModel refuses anything else, naming the file); the
//                             network's weights, normalisation statistics and label count (so it is
//                             ready at once) are kept; the optimizer state is reset (the prior was
//                             trained in mini-batches: its Adam moments would mis-scale the first
//                             single-sample steps), the update count is 0 and `origin` names the
//                             prior's version (the file's own, else the file name), so estimates say
//                             source "prior" and that version until the model's own first update;
//                             it learns at priorLearningRate while it earns it (priorTrust, judged
//                             on this garage's labels only).
//   priorOrRule(...)          loadPrior, or null with a clear error through onError (the learner
//                             then starts from the rule, as without a prior).
import { basename } from "node:path";
import type { OnlineModel, OnlineModelOptions } from "./online-model.ts";
import { loadOnlineModel } from "./model-store.ts";

export function loadPrior(path: string, options: OnlineModelOptions): OnlineModel {
  const model = loadOnlineModel(path, options);
  if (!model.ready) throw new Error(`${path}: a prior must have learned at least minLabels (${model.opts.minLabels}) labels, it has ${model.labels}`);
  for (const s of model.net.optimizerState) s.fill(0);
  model.net.steps = 0;
  model.origin = model.origin ?? basename(path).replace(/\.epnn$/, "");
  model.resetTrust();
  model.version = 0;
  model.rollbacks = 0;
  return model;
}

/** loadPrior, or null (error reported: "… refused; starting from the cold-start rule"). */
export function priorOrRule(path: string | undefined, options: OnlineModelOptions, onError: (msg: string) => void): OnlineModel | null {
  if (!path) return null;
  try {
    return loadPrior(path, options);
  } catch (e) {
    onError(`prior ${path} refused: ${(e as Error).message}; the ${options.kind} learner starts from the cold-start rule`);
    return null;
  }
}
