// WAT of the activation kernels (forward, backward, softmax) and of the vector exp they need
// (WebAssembly has no transcendental instructions). Element-wise loops run over whole vectors,
// then over the last n mod lanes elements one at a time through the same vector code (a scalar
// is splatted in and lane 0 taken out), so both paths compute identical values.
//
// exp(x) = 2^k·e^r with k = round(x·log2 e), r = x − k·ln2 (ln2 split in two so k·ln2hi is exact),
// e^r − 1 from its Taylor series (degree 12 for f64, 7 for f32: truncation below half an ulp for
// |r| ≤ ln2/2); 2^k is applied as two exponent-built factors so results that overflow give +∞ and
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

/** $expm1r(x, k): e^r − 1 for r = x − k·ln2, k = round(x·log2 e) given by the caller (x clamped). */
function expCore(L: Lanes): string {
  const f64 = L.t === "f64";
  const ln2hi = f64 ? 6.93147180369123816490e-1 : 0.693145751953125;
  const ln2lo = f64 ? 1.90821492927058770002e-10 : 1.428606765330187045e-6;
  const coeffs = factorials(f64 ? 12 : 7);
  let horner = vconst(L, coeffs[coeffs.length - 1]!);
  for (let i = coeffs.length - 2; i >= 0; i--) {
    horner = vop(L, "add", vconst(L, coeffs[i]!), vop(L, "mul", get("r"), horner));
  }
  return `(func $expm1r (param $x v128) (param $k v128) (result v128) (local $r v128)
  ${set("r", vop(L, "sub", vop(L, "sub", get("x"), vop(L, "mul", get("k"), vconst(L, ln2hi))), vop(L, "mul", get("k"), vconst(L, ln2lo))))}
  ${vop(L, "mul", get("r"), horner)})`;
}

/** 2^k for float lanes k, as a factor; `half` picks ⌊k/2⌋ (0) or k − ⌊k/2⌋ (1). */
function pow2(L: Lanes, k: string, half: 0 | 1 | "whole"): string {
  if (L.t === "f64") {
    const ki = `(i32x4.trunc_sat_f64x2_s_zero ${k})`;
    const k1 = `(i32x4.shr_s ${ki} (i32.const 1))`;
    const part = half === "whole" ? ki : half === 0 ? k1 : `(i32x4.sub ${ki} ${k1})`;
    return `(i64x2.shl (i64x2.add (i64x2.extend_low_i32x4_s ${part}) (v128.const i64x2 1023 1023)) (i32.const 52))`;
  }
  const ki = `(i32x4.trunc_sat_f32x4_s ${k})`;
  const k1 = `(i32x4.shr_s ${ki} (i32.const 1))`;
  const part = half === "whole" ? ki : half === 0 ? k1 : `(i32x4.sub ${ki} ${k1})`;
  return `(i32x4.shl (i32x4.add ${part} (v128.const i32x4 127 127 127 127)) (i32.const 23))`;
}

const roundK = (L: Lanes, x: string): string => vop(L, "nearest", vop(L, "mul", x, vconst(L, Math.LOG2E)));

function expFunctions(L: Lanes): string {
  const f64 = L.t === "f64";
  const lo = f64 ? -746 : -104;
  const hi = f64 ? 710 : 89;
  const tanhClamp = f64 ? 20 : 9;
  const one = vconst(L, 1);
  return `${expCore(L)}
(func $vexp (param $x v128) (result v128) (local $p v128) (local $k v128)
  ${set("x", vop(L, "min", vop(L, "max", get("x"), vconst(L, lo)), vconst(L, hi)))}
  ${set("k", roundK(L, get("x")))}
  ${set("p", `(call $expm1r ${get("x")} ${get("k")})`)}
  ${vop(L, "mul", vop(L, "mul", vop(L, "add", one, get("p")), pow2(L, get("k"), 0)), pow2(L, get("k"), 1))})
(func $vsigmoid (param $z v128) (result v128)
  ${vop(L, "div", one, vop(L, "add", one, `(call $vexp ${vop(L, "neg", get("z"))})`))})
(func $vtanh (param $x v128) (result v128) (local $y v128) (local $k v128) (local $q v128) (local $s v128) (local $em v128)
  ;; em = expm1(−2|x|) = 2^k·q + (2^k − 1); tanh|x| = −em / (2 + em); the sign of x is put back.
  ${set("y", vop(L, "mul", vconst(L, -2), vop(L, "min", vop(L, "abs", get("x")), vconst(L, tanhClamp))))}
  ${set("k", roundK(L, get("y")))}
  ${set("q", `(call $expm1r ${get("y")} ${get("k")})`)}
  ${set("s", pow2(L, get("k"), "whole"))}
  ${set("em", vop(L, "add", vop(L, "mul", get("s"), get("q")), vop(L, "sub", get("s"), one)))}
  (v128.or
    ${vop(L, "div", vop(L, "neg", get("em")), vop(L, "add", vconst(L, 2), get("em")))}
    (v128.and ${get("x")} ${f64 ? "(v128.const i64x2 0x8000000000000000 0x8000000000000000)" : "(v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)"})))`;
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
  const f = (act: (typeof ACTS)[number], z: string): string => {
    switch (act) {
      case "linear":
        return z;
      case "sigmoid":
        return `(call $vsigmoid ${z})`;
      case "tanh":
        return `(call $vtanh ${z})`;
      case "relu": // z > 0 ? z : 0 (NaN gives 0, like the reference's comparison)
        return `(v128.and ${get("t")} ${vop(L, "gt", get("t"), zero)})`;
      case "leaky":
        return `(v128.bitselect ${get("t")} ${vop(L, "mul", get("t"), vconst(L, 0.01))} ${vop(L, "gt", get("t"), zero)})`;
    }
  };
  const fns = ACTS.map(
    (act) => `(func $fwd_${act} (param $z i32) (param $a i32) (param $n i32) (local $vend i32) (local $end i32) (local $t v128)
  ${toBytes(L, ["z", "a"])}
  ${mapLoop(L, ["z", "a"], (load, store) => [set("t", load("z")), store("a", f(act, get("t")))])})`,
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
  (local $m ${L.t}) (local $vm v128) (local $inv v128)
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
    mapLoop(L, ["zp", "ap"], (load, store) => [store("ap", `(call $vexp ${vop(L, "sub", load("zp"), get("vm"))})`)]),
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
  return `${expFunctions(L)}
${rowSum(L)}
${activationForward(L)}
${activationBackward(L)}
${softmaxForward(L)}`;
}
