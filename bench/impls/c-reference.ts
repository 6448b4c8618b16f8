// The plain C reference (bench/reference/mlp.c): compiled per shape and precision with
// `gcc -O3 -march=native` into bench/out/ (git-ignored), then run as a child process that prints
// one JSON line. When gcc is missing the bench says so and leaves the C column empty.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Shape } from "../reference/mlp-data.ts";
import type { Timing } from "../measure.ts";

const SOURCE = fileURLToPath(new URL("../reference/mlp.c", import.meta.url));
const OUT_DIR = fileURLToPath(new URL("../out/", import.meta.url));

/** The gcc version line, or null when gcc cannot be run. */
export function gccVersion(): string | null {
  const r = spawnSync("gcc", ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.split("\n")[0]! : null;
}

export function gccArgs(s: Shape, precision: "f64" | "f32", output: string): string[] {
  return [
    "-O3",
    "-march=native",
    `-DNIN=${s.nin}`,
    `-DNHID=${s.nhid}`,
    `-DNOUT=${s.nout}`,
    `-DSOFTMAX=${s.softmax ? 1 : 0}`,
    `-DREAL=${precision === "f64" ? "double" : "float"}`,
    "-DLR=0.1",
    `-DIMPL=c-${precision}`,
    "-o",
    output,
    SOURCE,
    "-lm",
  ];
}

/** Compiles (every run: the flags depend on the machine) and returns the executable's path. */
export function compileReference(s: Shape, precision: "f64" | "f32"): string {
  mkdirSync(OUT_DIR, { recursive: true });
  const exe = `${OUT_DIR}mlp-${s.nin}-${s.nhid}-${s.nout}-${s.softmax ? "softmax" : "sigmoid"}-${precision}`;
  execFileSync("gcc", gccArgs(s, precision, exe), { stdio: ["ignore", "ignore", "inherit"] });
  return exe;
}

interface CResult {
  median?: number;
  samplesPerSec?: number[];
  lossSum?: number;
  checksum?: number;
}

function runJson(exe: string, args: string[]): CResult {
  const out = execFileSync(exe, args, { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop()!) as CResult;
}

export function cTrain(exe: string, t: Timing): { median: number; samplesPerSec: number[] } {
  const r = runJson(exe, ["train", String(t.warm), String(t.repSeconds), String(t.reps)]);
  return { median: r.median!, samplesPerSec: r.samplesPerSec! };
}

export function cVerify(exe: string): { lossSum: number; checksum: number } {
  const r = runJson(exe, ["verify"]);
  return { lossSum: r.lossSum!, checksum: r.checksum! };
}
