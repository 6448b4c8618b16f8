// JS peer libraries, trained online (batch 1, plain SGD, lr 0.1) on the same data and network
// shape as the C reference. They live in bench/peers/ with their own package.json and lockfile
// (`npm ci --prefix bench/peers`), outside the product's dependencies, and are loaded by path so
// the main type-check and install never need them. Each keeps its own initial weights and native
// precision: tfjs and brain.js compute in float32, synaptic in double.
// Differences in the math, stated in the bench output: brain.js and synaptic have sigmoid outputs
// only (also for 784-100-10, where the others use softmax); synaptic's output delta is (t − y)
// without the sigmoid derivative; brain.js runs with momentum 0.
import { createRequire } from "node:module";
import { makeData, SAMPLES, type Shape } from "../reference/mlp-data.ts";

export const PEERS = ["tfjs", "brain.js", "synaptic"] as const;
export type Peer = (typeof PEERS)[number];
export const PEER_PRECISION: Record<Peer, "f64" | "f32"> = { tfjs: "f32", "brain.js": "f32", synaptic: "f64" };
const PACKAGE: Record<Peer, string> = { tfjs: "@tensorflow/tfjs", "brain.js": "brain.js", synaptic: "synaptic" };

const requirePeer = createRequire(new URL("../peers/package.json", import.meta.url));

/** Loads a peer's package, or returns the reason it cannot be loaded. */
export function loadPeer(peer: Peer): { lib: unknown } | { error: string } {
  try {
    return { lib: requirePeer(PACKAGE[peer]) as unknown };
  } catch (e) {
    return { error: (e as Error).message.split("\n")[0]! };
  }
}

function plainSamples(s: Shape): { xs: number[][]; ts: number[][] } {
  const d = makeData(s);
  const xs: number[][] = [];
  const ts: number[][] = [];
  for (let n = 0; n < SAMPLES; n++) {
    xs.push(Array.from(d.x.subarray(n * s.nin, (n + 1) * s.nin)));
    ts.push(Array.from(d.t.subarray(n * s.nout, (n + 1) * s.nout)));
  }
  return { xs, ts };
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the peers are untyped here on purpose */
type Any = any;

function synapticStepper(lib: Any, s: Shape): (n: number) => void {
  const net = new lib.Architect.Perceptron(s.nin, s.nhid, s.nout);
  const { xs, ts } = plainSamples(s);
  let cursor = 0;
  return (n) => {
    for (let k = 0; k < n; k++) {
      net.activate(xs[cursor]);
      net.propagate(0.1, ts[cursor]);
      if (++cursor === SAMPLES) cursor = 0;
    }
  };
}

function brainStepper(lib: Any, s: Shape): (n: number) => void {
  const net = new lib.NeuralNetwork({ hiddenLayers: [s.nhid], activation: "sigmoid" });
  const { xs, ts } = plainSamples(s);
  const data = xs.map((input, i) => ({ input, output: ts[i] }));
  // one pass through train() sizes and initialises the net and sets the options trainPattern uses
  // (its option check refuses momentum 0, so momentum is zeroed afterwards: plain SGD as the others)
  net.train(data.slice(0, 1), { iterations: 1, learningRate: 0.1 });
  net.trainOpts.momentum = 0;
  let cursor = 0;
  return (n) => {
    for (let k = 0; k < n; k++) {
      net.trainPattern(data[cursor]);
      if (++cursor === SAMPLES) cursor = 0;
    }
  };
}

async function tfjsStepper(tf: Any, s: Shape): Promise<(n: number) => void> {
  await tf.setBackend("cpu");
  const d = makeData(s);
  const xs: Any[] = [];
  const ts: Any[] = [];
  for (let n = 0; n < SAMPLES; n++) {
    xs.push(tf.tensor2d(Float32Array.from(d.x.subarray(n * s.nin, (n + 1) * s.nin)), [1, s.nin]));
    ts.push(tf.tensor2d(Float32Array.from(d.t.subarray(n * s.nout, (n + 1) * s.nout)), [1, s.nout]));
  }
  const r1 = 1 / Math.sqrt(s.nin);
  const r2 = 1 / Math.sqrt(s.nhid);
  const w1 = tf.variable(tf.randomUniform([s.nin, s.nhid], -r1, r1, "float32", 777));
  const b1 = tf.variable(tf.zeros([s.nhid]));
  const w2 = tf.variable(tf.randomUniform([s.nhid, s.nout], -r2, r2, "float32", 778));
  const b2 = tf.variable(tf.zeros([s.nout]));
  const opt = tf.train.sgd(0.1);
  let cursor = 0;
  return (n) => {
    for (let k = 0; k < n; k++) {
      const x = xs[cursor];
      const t = ts[cursor];
      opt.minimize(() => {
        const h = tf.sigmoid(tf.add(tf.matMul(x, w1), b1));
        const z = tf.add(tf.matMul(h, w2), b2);
        if (s.softmax) return tf.losses.softmaxCrossEntropy(t, z);
        const e = tf.sub(tf.sigmoid(z), t);
        return tf.mul(0.5, tf.sum(tf.mul(e, e)));
      }, false);
      if (++cursor === SAMPLES) cursor = 0;
    }
  };
}

export async function peerStepper(peer: Peer, lib: unknown, s: Shape): Promise<(n: number) => void> {
  switch (peer) {
    case "synaptic":
      return synapticStepper(lib, s);
    case "brain.js":
      return brainStepper(lib, s);
    case "tfjs":
      return tfjsStepper(lib, s);
  }
}
