// Small builders for WAT text shared by the kernel templates (kernels-wat.ts, optimizer-wat.ts).

export type WasmPrecision = "f64" | "f32";

export interface Lanes {
  t: WasmPrecision; // scalar type
  v: string; // vector shape
  sh: number; // log2 of the element size, turns element offsets into byte addresses
  e: number; // element size in bytes
  n: number; // lanes per 16-byte vector
}

export function lanes(p: WasmPrecision): Lanes {
  return p === "f64"
    ? { t: "f64", v: "f64x2", sh: 3, e: 8, n: 2 }
    : { t: "f32", v: "f32x4", sh: 2, e: 4, n: 4 };
}

export const get = (name: string): string => `(local.get $${name})`;
export const set = (name: string, value: string): string => `(local.set $${name} ${value})`;
export const add = (a: string, b: string): string => `(i32.add ${a} ${b})`;
export const inc = (name: string, by: number | string): string =>
  set(name, add(get(name), typeof by === "number" ? `(i32.const ${by})` : by));
export const ZERO = "(v128.const i64x2 0 0)";

/** `while (cond) { body }` with a fresh pair of labels. */
let labelCount = 0;
export function resetLabels(): void {
  labelCount = 0;
}
export function whileLoop(cond: string, body: string[]): string {
  const id = labelCount++;
  return `(block $out${id} (loop $top${id}
    (br_if $out${id} (i32.eqz ${cond}))
    ${body.join("\n    ")}
    (br $top${id})))`;
}

export function toBytes(L: Lanes, names: string[]): string {
  return names.map((n) => set(n, `(i32.shl ${get(n)} (i32.const ${L.sh}))`)).join("\n  ");
}

/** Sum of the lanes of vector local `a` as a scalar. */
export function hsum(L: Lanes, a: string): string {
  const lane = (k: number): string => `(${L.v}.extract_lane ${k} ${get(a)})`;
  if (L.n === 2) return `(f64.add ${lane(0)} ${lane(1)})`;
  return `(f32.add (f32.add ${lane(0)} ${lane(1)}) (f32.add ${lane(2)} ${lane(3)}))`;
}

export const vload = (addr: string, offset = 0): string =>
  offset === 0 ? `(v128.load ${addr})` : `(v128.load offset=${offset} ${addr})`;
export const sload = (L: Lanes, addr: string, offset = 0): string =>
  offset === 0 ? `(${L.t}.load ${addr})` : `(${L.t}.load offset=${offset} ${addr})`;
export const vmad = (L: Lanes, acc: string, a: string, b: string): string =>
  set(acc, `(${L.v}.add ${get(acc)} (${L.v}.mul ${a} ${b}))`);
export const smad = (L: Lanes, acc: string, a: string, b: string): string =>
  set(acc, `(${L.t}.add ${get(acc)} (${L.t}.mul ${a} ${b}))`);

