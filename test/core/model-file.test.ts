// Model files: round trips (any batch size and precision, optimizer state, extension sections),
// atomic saving, and every failure on load named by a stable code, the file and the reason.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CoreError, loadModel, loadModelFile, saveModel, type NetworkSpec } from "../../src/core/index.ts";
import { crc32 } from "../../src/core/crc32.ts";
import { createNetwork, randomArray } from "./support.ts";

const dir = mkdtempSync(join(tmpdir(), "edgeprop-model-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec: NetworkSpec = {
  inputs: 5,
  layers: [{ units: 6, activation: "tanh" }, { units: 3, activation: "softmax" }],
  loss: "softmax-ce",
  optimizer: { type: "adam", learningRate: 0.01 },
  weightDecay: 1e-3,
  batchSize: 2,
  seed: 4,
  kernels: "ts",
};

function trained(s: NetworkSpec = spec) {
  const net = createNetwork(s);
  for (let i = 0; i < 20; i++) net.train(randomArray(10, i), [1, 0, 0, 0, 0, 1]);
  return net;
}

/** A file's bytes with a fresh checksum, after `edit` changed its body. */
function reChecksum(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

function loadError(path: string): CoreError {
  try {
    loadModel(path);
  } catch (e) {
    return e as CoreError;
  }
  throw new Error("expected loadModel to throw");
}

describe("model file round trip", () => {
  it("restores params, optimizer state and step count; training continues identically", () => {
    const net = trained();
    const path = join(dir, "rt.model");
    saveModel(net, path);
    const back = loadModel(path, { kernels: "ts" });
    expect(Array.from(back.params)).toEqual(Array.from(net.params));
    expect(back.optimizerState.map((s) => Array.from(s))).toEqual(net.optimizerState.map((s) => Array.from(s)));
    expect(back.steps).toBe(20);
    expect(back.spec).toEqual(net.spec);
    const x = randomArray(10, 99);
    const t = [0, 1, 0, 0, 0, 1];
    expect(net.train(x, t)).toBe(true);
    expect(back.train(x, t)).toBe(true);
    expect(Array.from(back.params)).toEqual(Array.from(net.params));
  });

  it("loads into another batch size and precision", () => {
    const net = trained();
    const path = join(dir, "any.model");
    saveModel(net, path);
    const one = loadModel(path, { batchSize: 1, precision: "f32", kernels: "ts" });
    expect(one.batchSize).toBe(1);
    expect(one.spec.precision).toBe("f32");
    expect(one.params).toBeInstanceOf(Float32Array);
    const x = randomArray(10, 7);
    const both = Array.from(net.forward(x));
    expect(Array.from(one.forward(x.slice(5)))).toEqual(both.slice(3).map((v) => expect.closeTo(v, 6)));
    // and back from f32 to f64
    const p32 = join(dir, "f32.model");
    saveModel(one, p32);
    const again = loadModel(p32, { precision: "f64" });
    expect(again.params).toBeInstanceOf(Float64Array);
    expect(Array.from(again.params)).toEqual(Array.from(one.params));
  });

  it("keeps extension sections (e.g. normalisation data) and rejects reserved names", () => {
    const net = trained();
    const path = join(dir, "ext.model");
    const norm = new Uint8Array([1, 2, 3, 250]);
    saveModel(net, path, { sections: { normalisation: norm } });
    const { network, sections } = loadModelFile(path);
    expect(Array.from(sections.get("normalisation")!)).toEqual([1, 2, 3, 250]);
    expect(Array.from(network.params)).toEqual(Array.from(net.params));
    expect(() => saveModel(net, path, { sections: { params: norm } })).toThrow(/reserved/);
  });

  it("round-trips sgd with momentum (one state slot) and plain sgd (none)", () => {
    for (const optimizer of [{ type: "sgd", learningRate: 0.1, momentum: 0.9 }, { type: "sgd", learningRate: 0.1 }] as const) {
      const net = trained({ ...spec, optimizer });
      const path = join(dir, "sgd.model");
      saveModel(net, path);
      const back = loadModel(path);
      expect(back.optimizerState.length).toBe(net.optimizerState.length);
      expect(back.optimizerState.map((s) => Array.from(s))).toEqual(net.optimizerState.map((s) => Array.from(s)));
    }
  });
});

describe("atomic save", () => {
  it("replaces an existing file and leaves no temporary file behind", () => {
    const sub = mkdtempSync(join(dir, "atomic-"));
    const path = join(sub, "m.model");
    saveModel(trained(), path);
    const first = readFileSync(path);
    const net = trained();
    net.train(randomArray(10, 1), [0, 0, 1, 1, 0, 0]);
    saveModel(net, path);
    expect(readdirSync(sub)).toEqual(["m.model"]);
    expect(Buffer.compare(first, readFileSync(path))).not.toBe(0);
  });

  it("fails with EP_ERR_CORE_MODEL_IO naming the file when the folder does not exist", () => {
    const path = join(dir, "missing-folder", "m.model");
    expect(() => saveModel(trained(), path)).toThrow(expect.objectContaining({ code: "EP_ERR_CORE_MODEL_IO", details: expect.objectContaining({ file: path }) }));
  });
});

describe("bad model files", () => {
  const path = join(dir, "good.model");
  saveModel(trained(), path);
  const good = new Uint8Array(readFileSync(path));

  function broken(name: string, bytes: Uint8Array): string {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  }

  it("missing file: EP_ERR_CORE_MODEL_IO", () => {
    const p = join(dir, "nope.model");
    const e = loadError(p);
    expect(e.code).toBe("EP_ERR_CORE_MODEL_IO");
    expect(e.message).toContain(p);
  });

  it.each([0, 3, 11, 40, 200, -5, -1])("truncated at %i: EP_ERR_CORE_MODEL_TRUNCATED", (cut) => {
    const p = broken(`cut${cut}.model`, good.subarray(0, cut < 0 ? good.length + cut : cut));
    const e = loadError(p);
    expect(e.code).toBe("EP_ERR_CORE_MODEL_TRUNCATED");
    expect(e.details.file).toBe(p);
    expect(e.message).toContain(p);
  });

  it.each([9, 13, 20, 100, 300])("a flipped bit at byte %i: EP_ERR_CORE_MODEL_CHECKSUM", (at) => {
    const bytes = good.slice();
    bytes[at] ^= 0x10;
    const e = loadError(broken(`flip${at}.model`, bytes));
    expect(e.code).toBe("EP_ERR_CORE_MODEL_CHECKSUM");
    expect(e.details.reason).toMatch(/corrupted/);
  });

  it("wrong magic: EP_ERR_CORE_MODEL_MAGIC", () => {
    const e = loadError(broken("magic.model", new TextEncoder().encode("hello, this is not a model at all")));
    expect(e.code).toBe("EP_ERR_CORE_MODEL_MAGIC");
  });

  it("future format version: EP_ERR_CORE_MODEL_VERSION", () => {
    const bytes = good.slice();
    bytes[4] = 9;
    const e = loadError(broken("version.model", reChecksum(bytes)));
    expect(e.code).toBe("EP_ERR_CORE_MODEL_VERSION");
    expect(e.message).toMatch(/version 9, this build reads version 1/);
  });

  it("spec and parameters that disagree: EP_ERR_CORE_MODEL_MISMATCH", () => {
    // Change the spec's hidden width 6 → 7 in place (same length), with a valid checksum.
    const text = new TextDecoder().decode(good);
    const at = text.indexOf('"units":6');
    expect(at).toBeGreaterThan(0);
    const bytes = good.slice();
    bytes[at + 8] = "7".charCodeAt(0);
    const e = loadError(broken("mismatch.model", reChecksum(bytes)));
    expect(e.code).toBe("EP_ERR_CORE_MODEL_MISMATCH");
    expect(e.message).toMatch(/57 parameters stored, the spec needs 66/);
  });

  it("a spec that no longer validates: EP_ERR_CORE_MODEL_MISMATCH naming the field", () => {
    const text = new TextDecoder().decode(good);
    const at = text.indexOf('"tanh"');
    const bytes = good.slice();
    bytes.set(new TextEncoder().encode('"tanx"'), at);
    const e = loadError(broken("badspec.model", reChecksum(bytes)));
    expect(e.code).toBe("EP_ERR_CORE_MODEL_MISMATCH");
    expect(e.message).toMatch(/layers\[0\]\.activation/);
  });
});
