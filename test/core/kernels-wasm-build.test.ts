// The checked-in wasm bytes (kernels-bytes.generated.ts) must be exactly what wabt makes of the
// kernel source today (kernels-wat.ts), so source and binary cannot drift apart.
// If this fails after editing the WAT: run `npm run build:wasm` and commit the generated file.
import { describe, expect, it } from "vitest";
import { assembleKernels, generatedModuleText } from "../../src/core/kernels/wasm/assemble.ts";
import { KERNELS_F32_BASE64, KERNELS_F64_BASE64 } from "../../src/core/kernels/wasm/kernels-bytes.generated.ts";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

describe("generated wasm module", () => {
  it("is byte-identical to a fresh wabt build of kernels-wat.ts", async () => {
    const bin = await assembleKernels();
    expect(Buffer.from(KERNELS_F64_BASE64, "base64").equals(Buffer.from(bin.f64))).toBe(true);
    expect(Buffer.from(KERNELS_F32_BASE64, "base64").equals(Buffer.from(bin.f32))).toBe(true);
    const file = fileURLToPath(new URL("../../src/core/kernels/wasm/kernels-bytes.generated.ts", import.meta.url));
    expect(readFileSync(file, "utf8")).toBe(generatedModuleText(bin));
  });

  it("validates as WebAssembly with SIMD and exports every kernel", async () => {
    const bin = await assembleKernels();
    for (const bytes of [bin.f64, bin.f32]) {
      expect(WebAssembly.validate(bytes)).toBe(true);
      const names = new Set(Object.keys(new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: new WebAssembly.Memory({ initial: 1 }) } }).exports));
      for (const k of ["denseForward", "denseGrad", "denseBackInput", "sgdStep", "adamStep", "activationForward", "activationBackward", "softmaxForward", "sumSquares", "scale"]) {
        expect(names.has(k), k).toBe(true);
      }
    }
  });
});
