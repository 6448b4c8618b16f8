import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLogger, humanLine } from "../../src/runtime/logger.ts";

describe("logger", () => {
  it("writes JSON lines to the file and human lines to the console, children tagged by plugin", () => {
    const file = join(mkdtempSync(join(tmpdir(), "edgeprop-log-")), "logs", "edgeprop.log");
    const lines: string[] = [];
    const { logger, flush } = createLogger({ file, level: "info", console: { write: (l) => lines.push(l) } });
    logger.child({ plugin: "vib-source" }).warn({ port: "/dev/ttyACM0", tries: 3 }, "board not found");
    logger.debug("hidden below info");
    flush();
    const json = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json.length).toBe(1);
    expect(json[0]).toMatchObject({ level: 40, plugin: "vib-source", port: "/dev/ttyACM0", tries: 3, msg: "board not found" });
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN  \[vib-source\] board not found port=\/dev\/ttyACM0 tries=3\n$/);
  });

  it("humanLine keeps a non-JSON line as it is", () => {
    expect(humanLine("not json\n")).toBe("not json");
    expect(humanLine(JSON.stringify({ level: 30, time: 0, msg: "hi", data: { a: 1 } }))).toBe('00:00:00.000 INFO  hi data={"a":1}');
    const failed = { level: 50, time: 0, msg: "boom", data: { error: { name: "Error", message: "boom", stack: "Error: boom\n    at x" } } };
    expect(humanLine(JSON.stringify(failed))).toBe('00:00:00.000 ERROR boom data={"error":{"name":"Error","message":"boom"}}');
  });
});
