// The WebAssembly JS API as Node 20 provides it. TypeScript ships these types only in lib.dom,
// which this project does not load (it would pull in browser globals), so the subset the core and
// its kernels use is declared here, following the WebAssembly JS API spec.
declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  type ImportValue = Memory | ((...args: never[]) => unknown) | number | Global | Table;
  type Imports = Record<string, Record<string, ImportValue>>;
  type Exports = Record<string, unknown>;
  class Module {
    constructor(bytes: BufferSource);
  }
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Exports;
  }
  class Global {
    constructor(descriptor: { value: string; mutable?: boolean }, value?: number);
    value: number;
  }
  class Table {
    constructor(descriptor: { element: string; initial: number; maximum?: number });
  }
  interface WebAssemblyInstantiatedSource {
    module: Module;
    instance: Instance;
  }
  type BufferSource = ArrayBuffer | ArrayBufferView;
  function validate(bytes: BufferSource): boolean;
  function compile(bytes: BufferSource): Promise<Module>;
  function instantiate(bytes: BufferSource, imports?: Imports): Promise<WebAssemblyInstantiatedSource>;
  function instantiate(module: Module, imports?: Imports): Promise<Instance>;
}
