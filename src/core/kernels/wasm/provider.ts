// The WebAssembly SIMD kernels as a KernelProvider: the module for a precision is decoded and
// compiled once per process, then instantiated per network with that network's arena memory
// imported, so the kernels work in place on the same buffer the TypeScript views see.
import type { KernelProvider, Kernels, Precision } from "../types.ts";
import { KERNELS_F32_BASE64, KERNELS_F64_BASE64 } from "./kernels-bytes.generated.ts";

const compiled = new Map<Precision, WebAssembly.Module | null>();

function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The compiled module, or null when this host cannot run it (no WebAssembly or no SIMD). */
function moduleFor(precision: Precision): WebAssembly.Module | null {
  let mod = compiled.get(precision);
  if (mod === undefined) {
    mod = null;
    if (typeof WebAssembly === "object") {
      const bytes = decodeBase64(precision === "f64" ? KERNELS_F64_BASE64 : KERNELS_F32_BASE64);
      if (WebAssembly.validate(bytes)) mod = new WebAssembly.Module(bytes);
    }
    compiled.set(precision, mod);
  }
  return mod;
}

const METHODS = [
  "denseForward",
  "denseGrad",
  "denseBackInput",
  "sgdStep",
  "adamStep",
  "activationForward",
  "activationBackward",
  "softmaxForward",
  "sumSquares",
  "scale",
] as const satisfies ReadonlyArray<keyof Kernels>;

/** Kernels running in WebAssembly on `memory` (the network's arena), or null if unsupported. */
export function createWasmKernels(memory: WebAssembly.Memory, precision: Precision): Kernels | null {
  const mod = moduleFor(precision);
  if (mod === null) return null;
  const exports = new WebAssembly.Instance(mod, { env: { memory } }).exports;
  const kernels: Partial<Record<keyof Kernels, unknown>> = {};
  for (const name of METHODS) kernels[name] = exports[name];
  return kernels as Kernels;
}

export const wasmKernelProvider: KernelProvider = {
  name: "wasm-simd",
  create: createWasmKernels,
};
