// WAT of the activation kernels (forward, backward, softmax) and of the vector exp they need
// (WebAssembly has no transcendental instructions). Element-wise loops run over whole vectors,
// then over the last n mod lanes elements one at a time through the same vector code (a scalar
// is splatted in and lane 0 taken out), so both paths compute identical values.
//
// exp(x) = 2^k·e^r with k = round(x·log2 e), r = x − k·ln2 (ln2 split in two so k·ln2hi is exact),
// e^r − 1 from its Taylor series (degree 12 for f64, 7 for f32: truncation below half an ulp for
// |r| ≤ ln2/2; Estrin's scheme); 2^k is applied as two exponent-built factors so results that overflow give +∞ and
// tiny results reach the subnormals / 0, as Math.exp does. Accuracy: a few ulp of Math.exp.

import { type Lanes, get, inc, set, toBytes, whileLoop } from "./wat-helpers.ts";

function vconst(L: Lanes, c: number): string {
  const text = L.t === "f64" ? String(c) : String(Math.fround(c));
  return `(v128.const ${L.v} ${Array(L.n).fill(text).join(" ")})`;
}
const vop = (L: Lanes, name: string, ...args: string[]): string => `(${L.v}.${name} ${args.join(" ")})`;

function factorials(n: number): number[] {
  const out: number[] = [];
  let f = 1;
  for (let k = 1; k <= n; k++) out.push(1 / (f *= k));
  return out;
}

const MAGIC = { f64: 6755399441055744, f32: 12582912 }; // 1.5·2^52, 1.5·2^23: adding rounds to an integer

/** Locals that every function using the inline exp code declares. */
const EXP_LOCALS = "(local $ex v128) (local $et v128) (local $ek v128) (local $er v128) (local $er2 v128) (local $er4 v128) (local $er8 v128) (local $eq v128) (local $kb v128) (local $k1 v128)";

/**
 * Statements leaving e^r − 1 in $eq and k in the exponent field of $kb (k·2^52 / k·2^23 as
 * integer lanes), for x = k·ln2 + r given in $ex. k comes from the round-by-adding trick: the
 * low mantissa bits of x·log2e + 1.5·2^52 are k itself, so no float→int conversion is needed.
 */
function expParts(L: Lanes): string[] {
  const f64 = L.t === "f64";
  const ln2hi = f64 ? 6.9314718036912381649e-1 : 0.693145751953125;
  const ln2lo = f64 ? 1.90821492927058770002e-10 : 1.428606765330187045e-6;
  // P(r) = Σ r^(n−1)/n!, evaluated by Estrin's scheme (pairs, then pairs of pairs with r², r⁴, r⁸):
  // a dependency chain of ~4 multiply-adds instead of Horner's 12, which bounds a batch-1 layer.
  let terms = factorials(f64 ? 12 : 7).map((c) => vconst(L, c));
  const powers = ["er", "er2", "er4", "er8"];
  for (let level = 0; terms.length > 1; level++) {
    const next: string[] = [];
    for (let i = 0; i < terms.length; i += 2) {
      next.push(i + 1 < terms.length ? vop(L, "add", terms[i]!, vop(L, "mul", terms[i + 1]!, get(powers[level]!))) : terms[i]!);
    }
    terms = next;
  }
  return [
    set("et", vop(L, "add", vop(L, "mul", get("ex"), vconst(L, Math.LOG2E)), vconst(L, MAGIC[L.t]))),
    set("ek", vop(L, "sub", get("et"), vconst(L, MAGIC[L.t]))),
    set("er", vop(L, "sub", vop(L, "sub", get("ex"), vop(L, "mul", get("ek"), vconst(L, ln2hi))), vop(L, "mul", get("ek"), vconst(L, ln2lo)))),
    set("er2", vop(L, "mul", get("er"), get("er"))),
    set("er4", vop(L, "mul", get("er2"), get("er2"))),
    set("er8", vop(L, "mul", get("er4"), get("er4"))),
    set("eq", vop(L, "mul", get("er"), terms[0]!)),
    set("kb", f64 ? `(i64x2.shl ${get("et")} (i32.const 52))` : `(i32x4.shl ${get("et")} (i32.const 23))`),
  ];
}

/** The float whose exponent field is `bits` + bias: 2^k for bits = k in the exponent field. */
const pow2 = (L: Lanes, bits: string): string =>
  L.t === "f64" ? `(i64x2.add ${bits} (v128.const i64x2 0x3ff0000000000000 0x3ff0000000000000))` : `(i32x4.add ${bits} (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000))`;

/** Statements setting local `out` = exp(x). 2^k is applied as 2^⌊k/2⌋·2^(k−⌊k/2⌋) so the whole
 *  range (x clamped to where exp over/underflows anyway) stays exact. */
function expInline(L: Lanes, x: string, out: string): string[] {
  const f64 = L.t === "f64";
  const lo = vconst(L, f64 ? -746 : -104);
  const hi = vconst(L, f64 ? 710 : 89);
  return [
    set("ex", vop(L, "pmin", vop(L, "pmax", x, lo), hi)), // pmax/pmin keep a NaN x (first operand)
    ...expParts(L),
    set("k1", f64 ? `(i64x2.shl (i64x2.shr_s ${get("kb")} (i32.const 53)) (i32.const 52))` : `(i32x4.shl (i32x4.shr_s ${get("kb")} (i32.const 24)) (i32.const 23))`),
    set(out, vop(L, "mul", vop(L, "mul", vop(L, "add", vconst(L, 1), get("eq")), pow2(L, get("k1"))), pow2(L, `(${f64 ? "i64x2" : "i32x4"}.sub ${get("kb")} ${get("k1")})`))),
  ];
}

/** Statements setting `out` = 1 / (1 + exp(−z)). */
function sigmoidInline(L: Lanes, z: string, out: string): string[] {
  return [...expInline(L, vop(L, "neg", z), out), set(out, vop(L, "div", vconst(L, 1), vop(L, "add", vconst(L, 1), get(out))))];
}

/** Statements setting `out` = tanh(x) = sign(x)·(−em / (2 + em)), em = expm1(−2|x|) = 2^k·q + (2^k − 1). */
function tanhInline(L: Lanes, x: string, out: string): string[] {
  const f64 = L.t === "f64";
  const sign = f64 ? "(v128.const i64x2 0x8000000000000000 0x8000000000000000)" : "(v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)";
  return [
    set(out, x),
    set("ex", vop(L, "mul", vconst(L, -2), vop(L, "pmin", vop(L, "abs", get(out)), vconst(L, f64 ? 20 : 9)))),
    ...expParts(L),
    set("k1", pow2(L, get("kb"))), // 2^k, k ≥ −58 here
    set("eq", vop(L, "add", vop(L, "mul", get("k1"), get("eq")), vop(L, "sub", get("k1"), vconst(L, 1)))),
    set(out, `(v128.or ${vop(L, "div", vop(L, "neg", get("eq")), vop(L, "add", vconst(L, 2), get("eq")))} (v128.and ${get(out)} ${sign}))`),
  ];
}

/** A loop over n elements: `body(load, store)` builds the per-vector statements. */
function mapLoop(
  L: Lanes,
  ptrs: string[],
  body: (load: (p: string) => string, store: (p: string, v: string) => string) => string[],
): string {
  const vload = (p: string): string => `(v128.load ${get(p)})`;
  const vstore = (p: string, v: string): string => `(v128.store ${get(p)} ${v})`;
  const sload = (p: string): string => `(${L.v}.splat (${L.t}.load ${get(p)}))`;
  const sstore = (p: string, v: string): string => `(${L.t}.store ${get(p)} (${L.v}.extract_lane 0 ${v}))`;
  const first = ptrs[0]!;
  return `${set("vend", `(i32.add ${get(first)} (i32.shl (i32.and ${get("n")} (i32.const ${-L.n})) (i32.const ${L.sh})))`)}
  ${set("end", `(i32.add ${get(first)} (i32.shl ${get("n")} (i32.const ${L.sh})))`)}
  ${whileLoop(`(i32.lt_u ${get(first)} ${get("vend")})`, [...body(vload, vstore), ...ptrs.map((p) => inc(p, 16))])}
  ${whileLoop(`(i32.lt_u ${get(first)} ${get("end")})`, [...body(sload, sstore), ...ptrs.map((p) => inc(p, L.e))])}`;
}

const ACTS = ["linear", "sigmoid", "tanh", "relu", "leaky"] as const;

function activationForward(L: Lanes): string {
  const zero = vconst(L, 0);
  // statements turning local $t into local $o
  const f = (act: (typeof ACTS)[number]): string[] => {
    switch (act) {
      case "linear":
        return [set("o", get("t"))];
      case "sigmoid":
        return sigmoidInline(L, get("t"), "o");
      case "tanh":
        return tanhInline(L, get("t"), "o");
      case "relu": // z > 0 ? z : 0 (NaN gives 0, like the reference's comparison)
        return [set("o", `(v128.and ${get("t")} ${vop(L, "gt", get("t"), zero)})`)];
      case "leaky":
        return [set("o", `(v128.bitselect ${get("t")} ${vop(L, "mul", get("t"), vconst(L, 0.01))} ${vop(L, "gt", get("t"), zero)})`)];
    }
  };
  const fns = ACTS.map(
    (act) => `(func $fwd_${act} (param $z i32) (param $a i32) (param $n i32) (local $vend i32) (local $end i32) (local $t v128) (local $o v128)
  ${EXP_LOCALS}
  ${toBytes(L, ["z", "a"])}
  ${mapLoop(L, ["z", "a"], (load, store) => [set("t", load("z")), ...f(act), store("a", get("o"))])})`,
  );
  return `${fns.join("\n")}
(func (export "activationForward") (param $act i32) (param $z i32) (param $a i32) (param $n i32)
  ${ACTS.map((act, code) => `(if (i32.eq ${get("act")} (i32.const ${code})) (then (call $fwd_${act} ${get("z")} ${get("a")} ${get("n")}) (return)))`).join("\n  ")})`;
}

function activationBackward(L: Lanes): string {
  const one = vconst(L, 1);
  const zero = vconst(L, 0);
  const f = (act: (typeof ACTS)[number], load: (p: string) => string): string => {
    const da = load("da");
    switch (act) {
      case "linear":
        return da;
      case "sigmoid":
        return `(${L.v}.mul ${da} (${L.v}.mul ${get("t")} (${L.v}.sub ${one} ${get("t")})))`;
      case "tanh":
        return `(${L.v}.mul ${da} (${L.v}.sub ${one} (${L.v}.mul ${get("t")} ${get("t")})))`;
      case "relu":
        return `(v128.and ${da} ${vop(L, "gt", get("t"), zero)})`;
      case "leaky":
        return `(v128.bitselect ${get("g")} ${vop(L, "mul", get("g"), vconst(L, 0.01))} ${vop(L, "gt", get("t"), zero)})`;
    }
  };
  // sigmoid/tanh read a = f(z); relu/leaky read z.
  const src = (act: (typeof ACTS)[number]): string => (act === "sigmoid" || act === "tanh" ? "a" : "z");
  const fns = ACTS.map(
    (act) => `(func $bwd_${act} (param $z i32) (param $a i32) (param $da i32) (param $dz i32) (param $n i32) (local $vend i32) (local $end i32) (local $t v128) (local $g v128)
  ${toBytes(L, ["z", "a", "da", "dz"])}
  ${mapLoop(L, ["da", "z", "a", "dz"], (load, store) => [
    set("t", load(src(act))),
    act === "leaky" ? set("g", load("da")) : "",
    store("dz", f(act, load)),
  ])})`,
  );
  return `${fns.join("\n")}
(func (export "activationBackward") (param $act i32) (param $z i32) (param $a i32) (param $da i32) (param $dz i32) (param $n i32)
  ${ACTS.map((act, code) => `(if (i32.eq ${get("act")} (i32.const ${code})) (then (call $bwd_${act} ${get("z")} ${get("a")} ${get("da")} ${get("dz")} ${get("n")}) (return)))`).join("\n  ")})`;
}

// Row-wise softmax: m = max_k z, e_k = exp(z_k − m), a_k = e_k / Σ e.
function softmaxForward(L: Lanes): string {
  return `(func (export "softmaxForward") (param $z i32) (param $a i32) (param $units i32) (param $batch i32)
  (local $s i32) (local $k i32) (local $zp i32) (local $ap i32) (local $n i32) (local $vend i32) (local $end i32)
  (local $m ${L.t}) (local $vm v128) (local $inv v128) (local $o v128)
  ${EXP_LOCALS}
  ${toBytes(L, ["z", "a"])}
  ${set("n", get("units"))}
  ${whileLoop(`(i32.lt_u ${get("s")} ${get("batch")})`, [
    set("m", `(${L.t}.load ${get("z")})`),
    set("k", "(i32.const 1)"),
    whileLoop(`(i32.lt_u ${get("k")} ${get("units")})`, [
      set("m", `(${L.t}.max ${get("m")} (${L.t}.load ${`(i32.add ${get("z")} (i32.shl ${get("k")} (i32.const ${L.sh})))`}))`),
      inc("k", 1),
    ]),
    set("vm", `(${L.v}.splat ${get("m")})`),
    set("zp", get("z")),
    set("ap", get("a")),
    mapLoop(L, ["zp", "ap"], (load, store) => [...expInline(L, vop(L, "sub", load("zp"), get("vm")), "o"), store("ap", get("o"))]),
    set("inv", `(${L.v}.splat (${L.t}.div (${L.t}.const 1) (call $rowsum ${get("a")} ${get("units")})))`),
    set("ap", get("a")),
    mapLoop(L, ["ap"], (load, store) => [store("ap", vop(L, "mul", load("ap"), get("inv")))]),
    inc("z", `(i32.shl ${get("units")} (i32.const ${L.sh}))`),
    inc("a", `(i32.shl ${get("units")} (i32.const ${L.sh}))`),
    inc("s", 1),
  ])})`;
}

/** $rowsum(a, n): Σ of n elements at byte address a, in order (used by softmax). */
function rowSum(L: Lanes): string {
  return `(func $rowsum (param $a i32) (param $n i32) (result ${L.t}) (local $end i32) (local $s ${L.t})
  ${set("end", `(i32.add ${get("a")} (i32.shl ${get("n")} (i32.const ${L.sh})))`)}
  ${whileLoop(`(i32.lt_u ${get("a")} ${get("end")})`, [set("s", `(${L.t}.add ${get("s")} (${L.t}.load ${get("a")}))`), inc("a", L.e)])}
  ${get("s")})`;
}

export function activationKernels(L: Lanes): string {
  return `${rowSum(L)}
${activationForward(L)}
${activationBackward(L)}
${softmaxForward(L)}`;
}
