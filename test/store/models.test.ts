import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createNetwork, loadModel, saveModel } from "../../src/core/index.ts";
import { JobLog } from "../../src/store/index.ts";
import { tempDb } from "./support/records.ts";

const spec = {
  inputs: 3,
  layers: [{ units: 4, activation: "tanh" as const }, { units: 1, activation: "sigmoid" as const }],
  loss: "bce" as const,
  optimizer: { type: "sgd" as const, learningRate: 0.1 },
};

describe("model registry", () => {
  it("registers versions with parent and metrics, one active per kind, promote and rollback recorded", () => {
    let t = 1000;
    const log = JobLog.open(tempDb(), { now: () => t++ });
    const reg = log.models;
    reg.register({ version: "j-1", kind: "judder", blob: new Uint8Array([1]), metrics: { auc: 0.8 }, activate: true });
    reg.register({ version: "j-2", kind: "judder", parent: "j-1", blob: new Uint8Array([2]), metrics: { auc: 0.9 } });
    reg.register({ version: "c-1", kind: "cut-quality", path: "models/c-1.epnn", activate: true });
    expect(reg.active("judder")?.version).toBe("j-1");
    reg.promote("j-2");
    expect(reg.active("judder")).toMatchObject({ version: "j-2", parent: "j-1", metrics: { auc: 0.9 }, active: true, hasBlob: true });
    expect(reg.active("cut-quality")?.path).toBe(join(log.file, "..", "models", "c-1.epnn"));
    expect(reg.list("judder").filter((m) => m.active)).toHaveLength(1);
    expect(reg.rollback("judder", "error rose").version).toBe("j-1");
    expect(reg.active("judder")?.version).toBe("j-1");
    expect(() => reg.rollback("judder")).toThrowError(expect.objectContaining({ code: "EP_ERR_STORE_NOT_FOUND" }));
    expect(() => reg.promote("j-9")).toThrowError(expect.objectContaining({ code: "EP_ERR_STORE_NOT_FOUND" }));
    expect(() => reg.register({ version: "j-3", kind: "judder", parent: "nope", blob: new Uint8Array(1) })).toThrowError(expect.objectContaining({ code: "EP_ERR_STORE_NOT_FOUND" }));
    expect(reg.history("judder").map((e) => `${e.type} ${e.version}`)).toEqual(["registered j-1", "promoted j-1", "registered j-2", "promoted j-2", "rolled-back j-1"]);
    expect(log.events({ type: "model.rolled-back" })[0]).toMatchObject({ source: "models", data: { version: "j-1", kind: "judder", reason: "error rose" } });
    expect(reg.blob("j-2")).toEqual(Buffer.from([2]));
    log.close();
  });

  it("a learner's own versions activate quietly; rollbackTo returns to an earlier one with the reason", () => {
    const log = JobLog.open(tempDb());
    const reg = log.models;
    for (const v of [1, 2, 3]) reg.register({ version: `r-${v}`, kind: "ra", parent: v > 1 ? `r-${v - 1}` : null, blob: new Uint8Array([v]), activate: true, quietly: true });
    expect(reg.active("ra")?.version).toBe("r-3");
    expect(reg.history("ra").map((e) => e.type)).toEqual(["registered", "registered", "registered"]);
    expect(log.events({ type: "model.promoted" })).toEqual([]);
    expect(reg.rollbackTo("r-1", "automatic: loss up").version).toBe("r-1");
    expect(reg.active("ra")?.version).toBe("r-1");
    expect(reg.history("ra").at(-1)).toMatchObject({ type: "rolled-back", version: "r-1", reason: "automatic: loss up" });
    expect(log.events({ type: "model.rolled-back" })).toHaveLength(1);
    expect(() => reg.rollbackTo("r-9", "x")).toThrowError(expect.objectContaining({ code: "EP_ERR_STORE_NOT_FOUND" }));
    log.close();
  });

  it("a corrupted model file falls back to the previous version, which becomes active (with the reason)", () => {
    const file = tempDb();
    const dir = join(file, "..");
    const log = JobLog.open(file);
    const net = createNetwork({ ...spec, seed: 1 });
    saveModel(net, join(dir, "j-1.epnn"));
    net.train([0.1, 0.2, 0.3], [1]);
    saveModel(net, join(dir, "j-2.epnn"));
    log.models.register({ version: "j-1", kind: "judder", path: "j-1.epnn", activate: true });
    log.models.register({ version: "j-2", kind: "judder", parent: "j-1", path: "j-2.epnn", activate: true });
    const bytes = readFileSync(join(dir, "j-2.epnn"));
    bytes[bytes.length - 20] ^= 0xff;
    writeFileSync(join(dir, "j-2.epnn"), bytes);
    const r = log.models.loadActive("judder", (m) => loadModel(m.path!));
    expect(r.model.version).toBe("j-1");
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0]).toMatchObject({ version: "j-2", error: expect.stringContaining("EP_ERR_CORE_MODEL_CHECKSUM") });
    expect(Array.from(r.value.forward([0.1, 0.2, 0.3]))).toEqual(Array.from(createNetwork({ ...spec, seed: 1 }).forward([0.1, 0.2, 0.3])));
    expect(log.models.active("judder")?.version).toBe("j-1");
    expect(log.models.history("judder").slice(-2).map((e) => e.type)).toEqual(["load-failed", "rolled-back"]);
    // Nothing loadable: a clear error naming what was tried.
    writeFileSync(join(dir, "j-1.epnn"), "garbage");
    expect(() => log.models.loadActive("judder", (m) => loadModel(m.path!))).toThrowError(/no loadable judder model \(tried j-1: .*EP_ERR_CORE_MODEL/);
    log.close();
  });
});
