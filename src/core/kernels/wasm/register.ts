// Importing this module registers the WebAssembly SIMD kernels, so networks whose spec says
// kernels: "auto" (the default) use them wherever the host runs wasm SIMD, and "wasm-simd" names
// them explicitly. "ts" still selects the TypeScript reference.
import { registerKernelProvider } from "../registry.ts";
import { wasmKernelProvider } from "./provider.ts";

registerKernelProvider(wasmKernelProvider);
