import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CaptureWriter, type CaptureFile } from "../../src/transport/capture-writer.ts";
import { ManualTimers, settle } from "./support/manual-timers.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgeprop-capture-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

describe("CaptureWriter", () => {
  it("appends exactly the bytes given, in order, across buffer boundaries, after what the file held", async () => {
    const path = join(dir, "vib.bin");
    await writeFile(path, Uint8Array.from([9, 9]));
    const w = await CaptureWriter.open(path, { bufferBytes: 100, timers: new ManualTimers() });
    const chunks = [bytes(37, 1), bytes(250, 2), bytes(1, 3), bytes(100, 4), bytes(0, 5), bytes(13, 6)];
    const reused = new Uint8Array(5);
    for (const c of chunks) w.write(c);
    reused.set([1, 2, 3, 4, 5]);
    w.write(reused);
    reused.fill(0); // the writer copied: reusing the caller's buffer must not change the file
    await w.close();
    const expected = Buffer.concat([Buffer.from([9, 9]), ...chunks, Buffer.from([1, 2, 3, 4, 5])]);
    expect(Buffer.compare(await readFile(path), expected)).toBe(0);
    expect(w.bytesWritten).toBe(expected.length - 2);
  });

  it("flushes on its interval without being closed", async () => {
    const path = join(dir, "run.bin");
    const timers = new ManualTimers();
    const w = await CaptureWriter.open(path, { flushIntervalMs: 250, timers });
    w.write(bytes(10, 0));
    await settle();
    expect((await readFile(path)).length).toBe(0);
    await timers.advance(250);
    await w.flush();
    expect((await readFile(path)).length).toBe(10);
    await w.close();
    expect(timers.pending).toBe(0);
  });

  it("names the file when it cannot be opened", async () => {
    const path = join(dir, "missing-dir", "vib.bin");
    await expect(CaptureWriter.open(path)).rejects.toMatchObject({
      code: "EP_ERR_CAPTURE",
      message: expect.stringContaining(path),
    });
  });

  it("reports a write error once, stops capturing, and keeps accepting writes without throwing", async () => {
    const writes: number[] = [];
    let closed = 0;
    const file: CaptureFile = {
      async write(_b, _o, length) {
        writes.push(length);
        if (writes.length === 2) throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
        return { bytesWritten: length };
      },
      async close() {
        closed++;
      },
    };
    const errors: Error[] = [];
    const timers = new ManualTimers();
    const w = new CaptureWriter("/captures/vib.bin", file, { bufferBytes: 8, timers, onError: (e) => errors.push(e) });
    w.write(bytes(8, 0)); // fills one buffer: written
    w.write(bytes(8, 1)); // fills the next: this write fails
    await w.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toBe("capture /captures/vib.bin: ENOSPC: no space left on device");
    expect(w.error).toBe(errors[0]);
    expect(() => w.write(bytes(100, 2))).not.toThrow();
    await w.close();
    expect(writes).toEqual([8, 8]);
    expect(w.bytesWritten).toBe(8);
    expect(closed).toBe(1);
    expect(errors).toHaveLength(1);
    expect(timers.pending).toBe(0);
  });

  it("keeps order when the disk lags behind the board (more chunks than staging buffers)", async () => {
    const out: number[] = [];
    const gates: Array<() => void> = [];
    const file: CaptureFile = {
      write(b, o, length) {
        return new Promise((resolve) => {
          gates.push(() => {
            out.push(...b.subarray(o, o + length));
            resolve({ bytesWritten: length });
          });
        });
      },
      async close() {},
    };
    const w = new CaptureWriter("slow.bin", file, { bufferBytes: 4, timers: new ManualTimers() });
    const all = bytes(30, 7);
    for (let i = 0; i < all.length; i += 3) w.write(all.subarray(i, i + 3));
    const closing = w.close();
    while (out.length < all.length) {
      await settle();
      gates.shift()?.();
    }
    await closing;
    expect(out).toEqual([...all]);
  });
});
