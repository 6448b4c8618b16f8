// Plugin config schemas are Standard Schema v1 values (https://standardschema.dev): zod 4 (which the
// runtime re-exports as `z`), valibot and arktype all produce them, so a plugin is not tied to the
// host's copy of a schema library. This is the interface's published shape, copied as its authors ask.
import { RuntimeError } from "./errors.ts";

export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (
      value: unknown,
    ) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> };

export interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

export type InferOutput<S extends StandardSchemaV1> = NonNullable<S["~standard"]["types"]>["output"];

export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  const std = (value as { "~standard"?: { validate?: unknown } } | null)?.["~standard"];
  return typeof std === "object" && std !== null && typeof std.validate === "function";
}

/** `a.b.0.c` from a Standard Schema issue path, prefixed with `base` (the config path of the value). */
export function issuePath(base: string, issue: StandardIssue): string {
  const parts = (issue.path ?? []).map((p) =>
    String(typeof p === "object" && p !== null ? (p as { key: PropertyKey }).key : p),
  );
  return [base, ...parts].filter((s) => s.length > 0).join(".");
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: RuntimeError[] };

/**
 * Validates `value` against `schema`; every issue becomes one error with `code`, the plugin name,
 * the full config path and the schema's own wording of what was expected.
 */
export async function validateWith<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  code: "EP_ERR_CONFIG_INVALID" | "EP_ERR_PLUGIN_CONFIG",
  base: string,
  plugin?: string,
): Promise<Validated<InferOutput<S>>> {
  const result = await schema["~standard"].validate(value);
  if (!result.issues) return { ok: true, value: result.value as InferOutput<S> };
  const errors = result.issues.map((issue) => {
    const path = issuePath(base, issue);
    const who = plugin ? `plugin '${plugin}': ` : "";
    return new RuntimeError(code, `${who}${issue.message}`, { plugin, path, expected: issue.message });
  });
  return { ok: false, errors };
}
