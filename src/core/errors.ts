// The core's error catalogue. Every error the core throws carries one of these stable codes and the
// numbers or names that explain it; nothing is thrown from a hot method (forward/train/loss/gradient).

export const CoreErrorCodes = {
  /** The network spec is invalid (build time). */
  SPEC: "EP_ERR_CORE_SPEC",
  /** The arena does not fit in a WebAssembly memory (requested vs available bytes). */
  ARENA: "EP_ERR_CORE_ARENA",
  /** A named kernel implementation is unknown or unavailable on this host. */
  KERNELS: "EP_ERR_CORE_KERNELS",
  /** A model file could not be read or written. */
  MODEL_IO: "EP_ERR_CORE_MODEL_IO",
  /** A model file ends before its declared content. */
  MODEL_TRUNCATED: "EP_ERR_CORE_MODEL_TRUNCATED",
  /** A file that is not an edgeprop model (wrong magic). */
  MODEL_MAGIC: "EP_ERR_CORE_MODEL_MAGIC",
  /** A model file format version this build cannot read. */
  MODEL_VERSION: "EP_ERR_CORE_MODEL_VERSION",
  /** The checksum does not match the content (corruption). */
  MODEL_CHECKSUM: "EP_ERR_CORE_MODEL_CHECKSUM",
  /** The content is well-formed but inconsistent (counts disagree with the spec, bad spec, ...). */
  MODEL_MISMATCH: "EP_ERR_CORE_MODEL_MISMATCH",
} as const;

export type CoreErrorCode = (typeof CoreErrorCodes)[keyof typeof CoreErrorCodes];

export class CoreError extends Error {
  readonly code: CoreErrorCode;
  /** Machine-readable context: the offending field, requested/available numbers, file path, ... */
  readonly details: Record<string, unknown>;

  constructor(code: CoreErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(`${code}: ${message}`);
    this.name = "CoreError";
    this.code = code;
    this.details = details;
  }
}

export function specError(field: string, message: string, details: Record<string, unknown> = {}): CoreError {
  return new CoreError(CoreErrorCodes.SPEC, `${field}: ${message}`, { field, ...details });
}
