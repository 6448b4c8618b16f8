// Public surface of the core engine.
// Registers the WebAssembly SIMD kernels, so kernels: "auto" (the default) uses them where the host
// supports wasm SIMD; "ts" still forces the TypeScript reference.
import "./kernels/wasm/register.ts";
export { createNetwork, Network, type Real } from "./network.ts";
export { saveModel, loadModel, loadModelFile, type SaveOptions, type LoadOptions, type LoadedModel } from "./model-file.ts";
export type { NetworkSpec, LayerSpec, OptimizerSpec, Activation, LossKind } from "./spec.ts";
export { CoreError, CoreErrorCodes, type CoreErrorCode } from "./errors.ts";
export type { Kernels, KernelProvider, Precision } from "./kernels/types.ts";
export { registerKernelProvider, kernelProviderNames } from "./kernels/registry.ts";
export { Rng } from "./rng.ts";
export { createRecurrentNetwork, RecurrentNetwork } from "./recurrent.ts";
export type { RecurrentSpec, Truncation } from "./recurrent-spec.ts";
export { saveRecurrentModel, loadRecurrentModel, type RecurrentLoadOptions } from "./recurrent-file.ts";
