import { mkdirSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeVector, defaultDataDir, defaultDbPath, encodeVector } from "../../src/store/index.ts";
import { tempDir } from "./support/records.ts";

describe("default location of the log", () => {
  it("$EDGEPROP_DATA_DIR first, then a writable service folder, then XDG_DATA_HOME / ~/.local/share", () => {
    const service = join(tempDir(), "var-lib-edgeprop");
    expect(defaultDataDir({ EDGEPROP_DATA_DIR: "/data/ep", HOME: "/home/pi" }, service)).toBe("/data/ep");
    expect(defaultDataDir({ HOME: "/home/pi" }, service)).toBe("/home/pi/.local/share/edgeprop"); // service folder missing
    expect(defaultDataDir({ HOME: "/home/pi", XDG_DATA_HOME: "/home/pi/xdg" }, service)).toBe("/home/pi/xdg/edgeprop");
    mkdirSync(service);
    expect(defaultDataDir({ HOME: "/home/pi" }, service)).toBe(service);
    expect(defaultDbPath({ EDGEPROP_DATA_DIR: "/data/ep" })).toBe("/data/ep/job-log.sqlite");
  });

  it.skipIf(process.getuid?.() === 0)("a service folder that is not writable is passed over (skipped as root, who may write anywhere)", () => {
    const service = join(tempDir(), "ro");
    mkdirSync(service);
    chmodSync(service, 0o555);
    expect(defaultDataDir({ HOME: "/home/pi" }, service)).toBe("/home/pi/.local/share/edgeprop");
  });
});

describe("feature BLOBs", () => {
  it("round-trip float64 exactly (from arrays or typed arrays, aligned or not)", () => {
    const v = [0, -1.5, Math.PI, Number.MAX_VALUE, Number.MIN_VALUE, -0];
    const blob = encodeVector(v);
    expect(blob.byteLength).toBe(48);
    expect(Array.from(decodeVector(blob))).toEqual(v);
    const odd = Buffer.concat([Buffer.from([9]), blob]).subarray(1); // not 8-byte aligned
    expect(Array.from(decodeVector(odd))).toEqual(v);
  });

  it("a BLOB that is not whole float64 values is a clear error", () => {
    expect(() => decodeVector(Buffer.alloc(12))).toThrow(/12 bytes is not a whole number of float64/);
  });
});
