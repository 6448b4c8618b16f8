// Runs the edgeprop CLI in this process, capturing what it prints (for the store's CLI tests).
import { vi } from "vitest";
import { main } from "../../../src/cli/main.ts";

/** Runs `edgeprop ...args` in-process; stdout and stderr are captured (not printed) for the call. */
export async function edgeprop(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
