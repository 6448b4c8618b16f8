// The one catalogue of the plugin host's errors. Codes are stable: tests, logs and users match on
// `err.code`, never on the message text. Add a code here rather than throwing a bare Error.

export const ErrorCodes = {
  /** The config file cannot be read or parsed (JSON/YAML syntax). */
  EP_ERR_CONFIG_READ: "the config file could not be read or parsed",
  /** The config file's host settings or plugin entries do not match the installation schema. */
  EP_ERR_CONFIG_INVALID: "the config file does not match the installation schema",
  /** A plugin's module could not be found or imported. */
  EP_ERR_PLUGIN_LOAD: "a plugin module could not be loaded",
  /** A module loaded as a plugin does not export a value made by definePlugin(). */
  EP_ERR_PLUGIN_NOT_A_PLUGIN: "a plugin module does not export a definePlugin() value",
  /** The name a config entry uses differs from the plugin's own meta.name. */
  EP_ERR_PLUGIN_NAME_MISMATCH: "a config entry's name differs from the plugin's meta.name",
  /** definePlugin() was given an incomplete or malformed meta. */
  EP_ERR_PLUGIN_META: "a plugin's meta is incomplete or malformed",
  /** The host's version is outside the range a plugin supports. */
  EP_ERR_HOST_VERSION: "the host version is not in the plugin's supported range",
  /** A plugin depends on a plugin that is not configured (or is disabled). */
  EP_ERR_DEPENDENCY_MISSING: "a plugin depends on a plugin that is not loaded",
  /** A plugin depends on a version of another plugin that is not the one loaded. */
  EP_ERR_DEPENDENCY_VERSION: "a dependency's version is outside the required range",
  /** Dependencies form a cycle. */
  EP_ERR_DEPENDENCY_CYCLE: "plugin dependencies form a cycle",
  /** A plugin's config does not match its schema. */
  EP_ERR_PLUGIN_CONFIG: "a plugin's config does not match its schema",
  /** A channel is written by more than one plugin. */
  EP_ERR_CHANNEL_WRITERS: "a channel has more than one writer",
  /** A plugin reads a channel that no loaded plugin writes. */
  EP_ERR_CHANNEL_NO_WRITER: "a plugin reads a channel that no plugin writes",
  /** Reader and writer disagree on a channel's shape (kind, fields). */
  EP_ERR_CHANNEL_MISMATCH: "a channel's reader and writer disagree on its shape",
  /** More than one plugin says it drives board time. */
  EP_ERR_CLOCK_DRIVERS: "more than one plugin drives board time",
  /** A plugin asked ctx for a channel it did not declare in meta. */
  EP_ERR_CHANNEL_UNDECLARED: "a plugin used a channel it did not declare",
  /** A write to a channel whose policy is "error" found a reader a full ring behind. */
  EP_ERR_CHANNEL_FULL: "a must-not-lose channel is full",
  /** A plugin's setup/start did not finish within the start timeout. */
  EP_ERR_PLUGIN_START_TIMEOUT: "a plugin did not start within the start timeout",
  /** A plugin's setup/start threw or rejected. */
  EP_ERR_PLUGIN_START: "a plugin failed to start",
  /** A plugin's stop did not finish within the stop timeout. */
  EP_ERR_PLUGIN_STOP_TIMEOUT: "a plugin did not stop within the stop timeout",
  /** A plugin's stop threw or rejected. */
  EP_ERR_PLUGIN_STOP: "a plugin failed to stop",
  /** A running plugin threw (channel handler, timer, reported async error). */
  EP_ERR_PLUGIN_CRASHED: "a running plugin failed",
  /** A plugin failed too often in a row and was disabled. */
  EP_ERR_PLUGIN_DISABLED: "a plugin was disabled after repeated failures",
  /** host.start()/stop() called in the wrong state. */
  EP_ERR_HOST_STATE: "the host was asked to do something its state does not allow",
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface RuntimeErrorDetails {
  /** Plugin the error is about, when there is one. */
  plugin?: string;
  /** Dotted path into the config file, e.g. `plugins.vib-source.config.port`. */
  path?: string;
  /** What was expected there, in words or as a range. */
  expected?: string;
  /** What was found instead. */
  received?: string;
  cause?: unknown;
}

export class RuntimeError extends Error {
  readonly code: ErrorCode;
  readonly plugin: string | undefined;
  readonly path: string | undefined;
  readonly expected: string | undefined;
  readonly received: string | undefined;

  constructor(code: ErrorCode, message: string, details: RuntimeErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "RuntimeError";
    this.code = code;
    this.plugin = details.plugin;
    this.path = details.path;
    this.expected = details.expected;
    this.received = details.received;
  }

  /** One line: `CODE path: message (expected …)`, as the CLI prints it. */
  describe(): string {
    const where = this.path ? ` ${this.path}` : "";
    const exp = this.expected && !this.message.includes(this.expected) ? ` (expected ${this.expected})` : "";
    return `${this.code}${where}: ${this.message}${exp}`;
  }
}

/** Several errors found in one pass (config check reports all of them, not just the first). */
export class RuntimeErrors extends Error {
  readonly code: ErrorCode;
  readonly errors: readonly RuntimeError[];

  constructor(errors: readonly RuntimeError[]) {
    super(errors.map((e) => e.describe()).join("\n"));
    this.name = "RuntimeErrors";
    this.code = errors[0].code;
    this.errors = errors;
  }
}

export function isRuntimeError(err: unknown): err is RuntimeError {
  return err instanceof RuntimeError;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
