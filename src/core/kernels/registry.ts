// Which kernel implementations exist. The TypeScript reference is always present; faster ones
// (e.g. WebAssembly SIMD) register themselves here once, at import time of their module.
// Choice per network (spec.kernels): "ts" forces the reference; "auto" takes the most recently
// registered provider that accepts the request, else "ts"; any other string names one provider.
import { CoreError, CoreErrorCodes } from "../errors.ts";
import { tsKernelProvider } from "./ts.ts";
import type { KernelProvider, Kernels, Precision } from "./types.ts";

const providers: KernelProvider[] = [tsKernelProvider];

export function registerKernelProvider(provider: KernelProvider): void {
  if (providers.some((p) => p.name === provider.name)) {
    throw new CoreError(CoreErrorCodes.KERNELS, `kernel provider "${provider.name}" is already registered`, { name: provider.name });
  }
  providers.push(provider);
}

export function kernelProviderNames(): string[] {
  return providers.map((p) => p.name);
}

export function createKernels(choice: string, memory: WebAssembly.Memory, precision: Precision): { name: string; kernels: Kernels } {
  if (choice === "auto") {
    for (let i = providers.length - 1; i >= 0; i--) {
      const kernels = providers[i].create(memory, precision);
      if (kernels) return { name: providers[i].name, kernels };
    }
  }
  const provider = providers.find((p) => p.name === (choice === "auto" ? "ts" : choice));
  if (!provider) {
    throw new CoreError(CoreErrorCodes.KERNELS, `unknown kernels "${choice}"; registered: ${kernelProviderNames().join(", ")}`, { choice });
  }
  const kernels = provider.create(memory, precision);
  if (!kernels) {
    throw new CoreError(CoreErrorCodes.KERNELS, `kernels "${choice}" are not available for ${precision} on this host`, { choice, precision });
  }
  return { name: provider.name, kernels };
}
