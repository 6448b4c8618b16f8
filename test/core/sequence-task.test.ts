// A sequence task the recurrent layer learns and a feed-forward net of the same size cannot:
// delayed recall, "output the input bit from 3 steps ago", on a random bit stream. The feed-forward
// net (1-8-1, tanh / sigmoid + bce, the same hidden width as the recurrent one) sees one step at a
// time; x_{t−3} is independent of x_t, so it cannot beat chance (50 %). The Elman network (1-8-1)
// trains on segments of 8 steps with its state carried across segments (regular truncation), and
// is scored on a fresh stream after resetState. Both truncation modes are trained.
import { describe, expect, it } from "vitest";
import { createNetwork, createRecurrentNetwork } from "../../src/core/index.ts";
import { Rng } from "../../src/core/rng.ts";
import { KERNELS } from "./support.ts";

const DELAY = 3;
const WINDOW = 8;

function stream(length: number, seed: number): { x: Float64Array; t: Float64Array } {
  const rng = new Rng(seed);
  const x = new Float64Array(length);
  for (let i = 0; i < length; i++) x[i] = rng.next() < 0.5 ? 0 : 1;
  const t = new Float64Array(length);
  for (let i = DELAY; i < length; i++) t[i] = x[i - DELAY];
  return { x, t };
}

function scored(y: ArrayLike<number>, t: Float64Array, from: number, count: number, offset: number): number {
  let ok = 0;
  for (let i = 0; i < count; i++) if (offset + i >= from && (y[i] > 0.5 ? 1 : 0) === t[offset + i]) ok++;
  return ok;
}

describe.each(KERNELS)("delayed recall, 3 steps back (%s kernels)", (kernels) => {
  it.each([
    ["regular", { type: "regular" }],
    ["randomized (keep 0.8)", { type: "randomized", keep: 0.8 }],
  ] as const)("the recurrent net, %s truncation, learns it (≥ 98 %); the feed-forward net of the same size stays near chance (≤ 60 %)", (label, truncation) => {
    const train = stream(4000 * WINDOW, 1);
    const test = stream(2000, 2);

    const rnn = createRecurrentNetwork({
      inputs: 1,
      hidden: { units: 8, activation: "tanh" },
      output: { units: 1, activation: "sigmoid" },
      loss: "bce",
      optimizer: { type: "adam", learningRate: 0.01 },
      window: WINDOW,
      truncation,
      clipNorm: 5,
      seed: 1,
      kernels,
    });
    for (let s = 0; s < 4000; s++) {
      const at = s * WINDOW;
      rnn.train(train.x.subarray(at, at + WINDOW), train.t.subarray(at, at + WINDOW));
    }
    rnn.resetState();
    let rnnOk = 0;
    for (let at = 0; at < test.x.length; at += WINDOW) {
      const y = rnn.forward(test.x.subarray(at, at + WINDOW));
      rnnOk += scored(y, test.t, DELAY, WINDOW, at);
    }

    const ff = createNetwork({
      inputs: 1,
      layers: [{ units: 8, activation: "tanh" }, { units: 1, activation: "sigmoid" }],
      loss: "bce",
      optimizer: { type: "adam", learningRate: 0.01 },
      seed: 1,
      kernels,
    });
    const xi = new Float64Array(1);
    const ti = new Float64Array(1);
    for (let i = DELAY; i < train.x.length; i++) {
      xi[0] = train.x[i];
      ti[0] = train.t[i];
      ff.train(xi, ti);
    }
    let ffOk = 0;
    for (let i = DELAY; i < test.x.length; i++) {
      xi[0] = test.x[i];
      ffOk += scored(ff.forward(xi), test.t, DELAY, 1, i);
    }

    const n = test.x.length - DELAY;
    const rnnAcc = rnnOk / n;
    const ffAcc = ffOk / n;
    console.log(`delayed recall (${kernels}, ${label}): recurrent ${(rnnAcc * 100).toFixed(1)} %, feed-forward ${(ffAcc * 100).toFixed(1)} %`);
    expect(rnn.rolledBackSteps).toBe(0);
    expect(rnnAcc).toBeGreaterThanOrEqual(0.98);
    expect(ffAcc).toBeLessThanOrEqual(0.6);
  });
});
