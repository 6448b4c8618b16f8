// `edgeprop eval` end to end on a small scenario: exit code, the JSON figures' shape, the report
// and its SVG plot; and a clear error for a missing capture.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../bin/edgeprop.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "edgeprop-eval-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => spawnSync(process.execPath, [bin, "eval", ...args], { encoding: "utf8", timeout: 60_000 });

describe("edgeprop eval", () => {
  it("--scenario … --json prints the figures and writes the Markdown report and SVG plot", () => {
    const r = run(["--scenario", "mixed", "--jobs", "10", "--seed", "2", "--json", "--report", dir, "--folds", "2", "--epochs", "2"]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as Record<string, any>;
    expect(out.name).toBe("mixed-10-seed2");
    expect(out.jobs).toBeGreaterThanOrEqual(8);
    for (const k of ["model", "controller", "rule", "rms", "hindsight"]) {
      expect(Object.keys(out.judder[k]).sort()).toEqual(["accuracy", "auc", "f1", "n", "precision", "recall"]);
      expect(out.judder[k].n).toBeGreaterThan(0);
    }
    expect(out.residualRunoutMaeUm.model).toBeGreaterThanOrEqual(0);
    expect(out.residualRunoutMaeUm.rule).toBeLessThan(3);
    expect(Object.keys(out.raMaeUm).sort()).toEqual(["hindsight", "model", "n", "runningMean"]);
    expect(Array.isArray(out.rollbacks)).toBe(true);
    // The Bayes ceiling of a simulator run: scored on the same labelled jobs as the network.
    expect(out.ceiling.judder.n).toBe(out.labelled.judder);
    expect(out.ceiling.dtv.n).toBeGreaterThanOrEqual(out.jobs - 2);
    expect(out.ceiling.raMaeUm === null || out.ceiling.raMaeUm >= 0).toBe(true);
    const md = readFileSync(out.report, "utf8");
    expect(md).toContain("| (a) rule: LRO before the cut ≥ 50 µm (AUC on LRO) |");
    expect(md).toContain("![running metrics](eval-mixed-10-seed2.svg)");
    expect(md).toContain("## Bayes ceiling (simulator truth)");
    const svg = readFileSync(out.plot, "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("<path d=\"M");
  });

  it("--prior DIR starts the learners from the prior there, and names a missing prior", () => {
    const prior = fileURLToPath(new URL("../../models/prior", import.meta.url));
    const args = ["--scenario", "mixed", "--jobs", "6", "--seed", "3", "--json", "--report", dir, "--no-hindsight"];
    const cold = run(args);
    const warm = run([...args, "--prior", prior]);
    expect(cold.status, cold.stderr).toBe(0);
    expect(warm.status, warm.stderr).toBe(0);
    const [c, w] = [cold, warm].map((r) => JSON.parse(r.stdout.trim()) as Record<string, any>);
    expect(c.prior).toBeNull();
    expect(w.prior).toBe(prior);
    // same jobs and labels; the estimates differ because the networks start elsewhere
    expect(w.labelled).toEqual(c.labelled);
    expect(w.raMaeUm.model).not.toBe(c.raMaeUm.model);
    const missing = run([...args, "--prior", join(dir, "no-prior")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--prior .*no-prior\/judder\.epnn: no such file/);
  });

  it("names a missing capture and exits 2", () => {
    const r = run(["--vib", join(dir, "nope.bin"), "--run", join(dir, "nope.bin"), "--labels", join(dir, "nope.jsonl")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--vib .*nope\.bin: no such file/);
    expect(existsSync(join(dir, "eval-captures.md"))).toBe(false);
  });
});
