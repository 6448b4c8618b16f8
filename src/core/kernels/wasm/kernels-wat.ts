// The WebAssembly text (WAT) of the kernels, one template for both precisions: f64 works on f64x2
// vectors, f32 on f32x4. This file holds the dense-layer kernels and assembles the module;
// optimizer-wat.ts and activation-wat.ts add the rest. These templates are the kernels' source:
// `npm run build:wasm` assembles their text with wabt into kernels-bytes.generated.ts, and a test
// checks that the checked-in bytes still come from it.
//
// Contract: ../types.ts (the TS reference is ../ts.ts). Every offset is an ELEMENT offset into
// the imported memory seen as a Float64Array (f64) or Float32Array (f32); sizes are element
// counts; activations are sample-major [batch][units], weights row-major [unit][input]. The
// kernels read and write only the ranges those offsets and sizes name, allocate nothing and never
// trap on in-range arguments. Vector loads need no alignment, so rows of odd length work.

import { activationKernels } from "./activation-wat.ts";
import { optimizerKernels } from "./optimizer-wat.ts";
import {
  type Lanes,
  type WasmPrecision,
  add,
  get,
  hsum,
  inc,
  lanes,
  resetLabels,
  set,
  sload,
  smad,
  toBytes,
  vload,
  vmad,
  whileLoop,
  ZERO,
} from "./wat-helpers.ts";

export type { WasmPrecision };

// Z[s][j] = b[j] + Σ_i W[j][i]·X[s][i]. Four rows share each load of X and keep two vector
// accumulators each (eight independent add chains hide the add latency); leftover rows go one
// at a time; the last nIn mod lanes inputs are done in scalar.
function denseForward(L: Lanes): string {
  const R = 4;
  const rows = [0, 1, 2, 3];
  const accs = (u: number): string[] => rows.map((r) => `a${r}${u}`);
  return `(func (export "denseForward")
  (param $w i32) (param $b i32) (param $x i32) (param $z i32)
  (param $nOut i32) (param $nIn i32) (param $batch i32)
  (local $row i32) (local $vec i32) (local $vec2 i32) (local $s i32) (local $j i32) (local $i i32)
  (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32) (local $zb i32)
  ${[...accs(0), ...accs(1)].map((a) => `(local $${a} v128)`).join(" ")}
  (local $x0 v128) (local $x1 v128)
  (local $s0 ${L.t}) (local $s1 ${L.t}) (local $s2 ${L.t}) (local $s3 ${L.t}) (local $xs ${L.t})
  ${toBytes(L, ["w", "b", "x", "z"])}
  ${set("row", `(i32.shl ${get("nIn")} (i32.const ${L.sh}))`)}
  ${set("vec", `(i32.shl (i32.and ${get("nIn")} (i32.const ${-L.n})) (i32.const ${L.sh}))`)}
  ${set("vec2", `(i32.and ${get("vec")} (i32.const -32))`)}
  ${whileLoop(`(i32.lt_u ${get("s")} ${get("batch")})`, [
    set("j", "(i32.const 0)"),
    set("w0", get("w")),
    whileLoop(`(i32.le_u (i32.add ${get("j")} (i32.const ${R})) ${get("nOut")})`, [
      set("w1", add(get("w0"), get("row"))),
      set("w2", add(get("w1"), get("row"))),
      set("w3", add(get("w2"), get("row"))),
      ...[...accs(0), ...accs(1)].map((a) => set(a, ZERO)),
      set("i", "(i32.const 0)"),
      whileLoop(`(i32.lt_u ${get("i")} ${get("vec2")})`, [
        set("x0", vload(add(get("x"), get("i")))),
        set("x1", vload(add(get("x"), get("i")), 16)),
        ...rows.map((r) => vmad(L, `a${r}0`, vload(add(get(`w${r}`), get("i"))), get("x0"))),
        ...rows.map((r) => vmad(L, `a${r}1`, vload(add(get(`w${r}`), get("i")), 16), get("x1"))),
        inc("i", 32),
      ]),
      `(if (i32.lt_u ${get("i")} ${get("vec")}) (then
        ${set("x0", vload(add(get("x"), get("i"))))}
        ${rows.map((r) => vmad(L, `a${r}0`, vload(add(get(`w${r}`), get("i"))), get("x0"))).join("\n        ")}
        ${inc("i", 16)}))`,
      ...rows.map((r) => set(`a${r}0`, `(${L.v}.add ${get(`a${r}0`)} ${get(`a${r}1`)})`)),
      ...rows.map((r) => set(`s${r}`, hsum(L, `a${r}0`))),
      whileLoop(`(i32.lt_u ${get("i")} ${get("row")})`, [
        set("xs", sload(L, add(get("x"), get("i")))),
        ...rows.map((r) => smad(L, `s${r}`, sload(L, add(get(`w${r}`), get("i"))), get("xs"))),
        inc("i", L.e),
      ]),
      set("zb", `(i32.shl ${get("j")} (i32.const ${L.sh}))`),
      ...rows.map(
        (r) =>
          `(${L.t}.store offset=${r * L.e} ${add(get("z"), get("zb"))} (${L.t}.add ${sload(L, add(get("b"), get("zb")), r * L.e)} ${get(`s${r}`)}))`,
      ),
      set("w0", add(get("w3"), get("row"))),
      inc("j", R),
    ]),
    whileLoop(`(i32.lt_u ${get("j")} ${get("nOut")})`, [
      set("a00", ZERO),
      set("a01", ZERO),
      set("i", "(i32.const 0)"),
      whileLoop(`(i32.lt_u ${get("i")} ${get("vec2")})`, [
        vmad(L, "a00", vload(add(get("w0"), get("i"))), vload(add(get("x"), get("i")))),
        vmad(L, "a01", vload(add(get("w0"), get("i")), 16), vload(add(get("x"), get("i")), 16)),
        inc("i", 32),
      ]),
      `(if (i32.lt_u ${get("i")} ${get("vec")}) (then
        ${vmad(L, "a00", vload(add(get("w0"), get("i"))), vload(add(get("x"), get("i"))))}
        ${inc("i", 16)}))`,
      set("a00", `(${L.v}.add ${get("a00")} ${get("a01")})`),
      set("s0", hsum(L, "a00")),
      whileLoop(`(i32.lt_u ${get("i")} ${get("row")})`, [
        smad(L, "s0", sload(L, add(get("w0"), get("i"))), sload(L, add(get("x"), get("i")))),
        inc("i", L.e),
      ]),
      set("zb", `(i32.shl ${get("j")} (i32.const ${L.sh}))`),
      `(${L.t}.store ${add(get("z"), get("zb"))} (${L.t}.add ${sload(L, add(get("b"), get("zb")))} ${get("s0")}))`,
      inc("w0", get("row")),
      inc("j", 1),
    ]),
    inc("x", get("row")),
    inc("z", `(i32.shl ${get("nOut")} (i32.const ${L.sh}))`),
    inc("s", 1),
  ])})`;
}

// dW[j][i] = Σ_s dZ[s][j]·X[s][i] and dB[j] = Σ_s dZ[s][j], overwriting. Batch 1 is $gradOuter;
// larger batches sum the samples in order inside a register.
function denseGrad(L: Lanes): string {
  return `(func (export "denseGrad")
  (param $dz i32) (param $x i32) (param $dw i32) (param $db i32)
  (param $nOut i32) (param $nIn i32) (param $batch i32)
  (local $row i32) (local $vec i32) (local $zrow i32) (local $j i32) (local $i i32) (local $s i32)
  (local $dzj i32) (local $send i32) (local $xp i32) (local $acc v128) (local $d v128) (local $sum ${L.t}) (local $ds ${L.t})
  ${toBytes(L, ["dz", "x", "dw", "db"])}
  ${set("row", `(i32.shl ${get("nIn")} (i32.const ${L.sh}))`)}
  ${set("zrow", `(i32.shl ${get("nOut")} (i32.const ${L.sh}))`)}
  ${set("vec", `(i32.shl (i32.and ${get("nIn")} (i32.const ${-L.n})) (i32.const ${L.sh}))`)}
  (if (i32.eq ${get("batch")} (i32.const 1)) (then (call $gradOuter ${get("dz")} ${get("x")} ${get("dw")} ${get("db")} ${get("nOut")} ${get("row")} ${get("vec")}) (return)))
  ${whileLoop(`(i32.lt_u ${get("j")} ${get("nOut")})`, [
    set("dzj", add(get("dz"), `(i32.shl ${get("j")} (i32.const ${L.sh}))`)),
    set("send", add(get("dzj"), `(i32.mul ${get("zrow")} ${get("batch")})`)),
    set("sum", `(${L.t}.const 0)`),
    set("s", "(i32.const 0)"),
    set("xp", get("dzj")),
    whileLoop(`(i32.lt_u ${get("s")} ${get("batch")})`, [
      set("sum", `(${L.t}.add ${get("sum")} ${sload(L, get("xp"))})`),
      inc("xp", get("zrow")),
      inc("s", 1),
    ]),
    `(${L.t}.store ${add(get("db"), `(i32.shl ${get("j")} (i32.const ${L.sh}))`)} ${get("sum")})`,
    set("i", "(i32.const 0)"),
    `${whileLoop(`(i32.lt_u ${get("i")} ${get("vec")})`, [
          set("acc", ZERO),
          set("xp", add(get("x"), get("i"))),
          set("s", get("dzj")),
          whileLoop(`(i32.lt_u ${get("s")} ${get("send")})`, [
            vmad(L, "acc", vload(get("xp")), `(${L.v}.splat ${sload(L, get("s"))})`),
            inc("xp", get("row")),
            inc("s", get("zrow")),
          ]),
          `(v128.store ${add(get("dw"), get("i"))} ${get("acc")})`,
          inc("i", 16),
        ])}
        ${whileLoop(`(i32.lt_u ${get("i")} ${get("row")})`, [
          set("ds", `(${L.t}.const 0)`),
          set("xp", add(get("x"), get("i"))),
          set("s", get("dzj")),
          whileLoop(`(i32.lt_u ${get("s")} ${get("send")})`, [
            smad(L, "ds", sload(L, get("xp")), sload(L, get("s"))),
            inc("xp", get("row")),
            inc("s", get("zrow")),
          ]),
          `(${L.t}.store ${add(get("dw"), get("i"))} ${get("ds")})`,
          inc("i", L.e),
        ])}`,
    inc("dw", get("row")),
    inc("j", 1),
  ])})`;
}

// Batch 1: dW = dz·xᵀ, dB = dz (byte addresses; row = nIn bytes, vec = bytes in whole vectors).
// Four rows at a time share each load of x; one multiply per weight, as the reference rounds.
function gradOuter(L: Lanes): string {
  const rows = [0, 1, 2, 3];
  return `(func $gradOuter (param $dz i32) (param $x i32) (param $dw i32) (param $db i32) (param $nOut i32) (param $row i32) (param $vec i32)
  (local $j i32) (local $i i32) (local $w i32) (local $xv v128) (local $xs ${L.t})
  ${rows.map((r) => `(local $d${r} v128) (local $s${r} ${L.t})`).join(" ")}
  ${whileLoop(`(i32.le_u (i32.add ${get("j")} (i32.const 4)) ${get("nOut")})`, [
    ...rows.map((r) => set(`s${r}`, sload(L, get("dz"), r * L.e))),
    ...rows.map((r) => `(${L.t}.store offset=${r * L.e} ${get("db")} ${get(`s${r}`)})`),
    ...rows.map((r) => set(`d${r}`, `(${L.v}.splat ${get(`s${r}`)})`)),
    set("i", "(i32.const 0)"),
    whileLoop(`(i32.lt_u ${get("i")} ${get("vec")})`, [
      set("xv", vload(add(get("x"), get("i")))),
      set("w", add(get("dw"), get("i"))),
      ...rows.map((r) => `(v128.store ${r === 0 ? get("w") : add(get("w"), `(i32.mul ${get("row")} (i32.const ${r}))`)} (${L.v}.mul ${get("xv")} ${get(`d${r}`)}))`),
      inc("i", 16),
    ]),
    whileLoop(`(i32.lt_u ${get("i")} ${get("row")})`, [
      set("xs", sload(L, add(get("x"), get("i")))),
      set("w", add(get("dw"), get("i"))),
      ...rows.map((r) => `(${L.t}.store ${r === 0 ? get("w") : add(get("w"), `(i32.mul ${get("row")} (i32.const ${r}))`)} (${L.t}.mul ${get("xs")} ${get(`s${r}`)}))`),
      inc("i", L.e),
    ]),
    inc("dw", `(i32.shl ${get("row")} (i32.const 2))`),
    inc("dz", 4 * L.e),
    inc("db", 4 * L.e),
    inc("j", 4),
  ])}
  ${whileLoop(`(i32.lt_u ${get("j")} ${get("nOut")})`, [
    set("s0", sload(L, get("dz"))),
    `(${L.t}.store ${get("db")} ${get("s0")})`,
    set("d0", `(${L.v}.splat ${get("s0")})`),
    set("i", "(i32.const 0)"),
    whileLoop(`(i32.lt_u ${get("i")} ${get("vec")})`, [
      `(v128.store ${add(get("dw"), get("i"))} (${L.v}.mul ${vload(add(get("x"), get("i")))} ${get("d0")}))`,
      inc("i", 16),
    ]),
    whileLoop(`(i32.lt_u ${get("i")} ${get("row")})`, [
      `(${L.t}.store ${add(get("dw"), get("i"))} (${L.t}.mul ${sload(L, add(get("x"), get("i")))} ${get("s0")}))`,
      inc("i", L.e),
    ]),
    inc("dw", get("row")),
    inc("dz", L.e),
    inc("db", L.e),
    inc("j", 1),
  ])})`;
}

// dX[s][i] = Σ_j W[j][i]·dZ[s][j]: for each block of four vectors of inputs, walk down the rows of
// W adding dZ[s][j]·W[j][block] into four register accumulators (j in order, like the reference).
function denseBackInput(L: Lanes): string {
  const blocks = [0, 1, 2, 3];
  return `(func (export "denseBackInput")
  (param $w i32) (param $dz i32) (param $dx i32)
  (param $nOut i32) (param $nIn i32) (param $batch i32)
  (local $row i32) (local $vec i32) (local $zrow i32) (local $s i32) (local $i i32)
  (local $wp i32) (local $zp i32) (local $zend i32) (local $d v128) (local $ds ${L.t})
  ${blocks.map((k) => `(local $a${k} v128)`).join(" ")}
  ${toBytes(L, ["w", "dz", "dx"])}
  ${set("row", `(i32.shl ${get("nIn")} (i32.const ${L.sh}))`)}
  ${set("zrow", `(i32.shl ${get("nOut")} (i32.const ${L.sh}))`)}
  ${set("vec", `(i32.shl (i32.and ${get("nIn")} (i32.const ${-L.n})) (i32.const ${L.sh}))`)}
  ${whileLoop(`(i32.lt_u ${get("s")} ${get("batch")})`, [
    set("zend", add(get("dz"), get("zrow"))),
    set("i", "(i32.const 0)"),
    whileLoop(`(i32.le_u (i32.add ${get("i")} (i32.const 64)) ${get("vec")})`, [
      ...blocks.map((k) => set(`a${k}`, ZERO)),
      set("wp", add(get("w"), get("i"))),
      set("zp", get("dz")),
      whileLoop(`(i32.lt_u ${get("zp")} ${get("zend")})`, [
        set("d", `(${L.v}.splat ${sload(L, get("zp"))})`),
        ...blocks.map((k) => vmad(L, `a${k}`, vload(get("wp"), 16 * k), get("d"))),
        inc("wp", get("row")),
        inc("zp", L.e),
      ]),
      ...blocks.map((k) => `(v128.store offset=${16 * k} ${add(get("dx"), get("i"))} ${get(`a${k}`)})`),
      inc("i", 64),
    ]),
    whileLoop(`(i32.lt_u ${get("i")} ${get("vec")})`, [
      set("a0", ZERO),
      set("wp", add(get("w"), get("i"))),
      set("zp", get("dz")),
      whileLoop(`(i32.lt_u ${get("zp")} ${get("zend")})`, [
        vmad(L, "a0", vload(get("wp")), `(${L.v}.splat ${sload(L, get("zp"))})`),
        inc("wp", get("row")),
        inc("zp", L.e),
      ]),
      `(v128.store ${add(get("dx"), get("i"))} ${get("a0")})`,
      inc("i", 16),
    ]),
    whileLoop(`(i32.lt_u ${get("i")} ${get("row")})`, [
      set("ds", `(${L.t}.const 0)`),
      set("wp", add(get("w"), get("i"))),
      set("zp", get("dz")),
      whileLoop(`(i32.lt_u ${get("zp")} ${get("zend")})`, [
        smad(L, "ds", sload(L, get("wp")), sload(L, get("zp"))),
        inc("wp", get("row")),
        inc("zp", L.e),
      ]),
      `(${L.t}.store ${add(get("dx"), get("i"))} ${get("ds")})`,
      inc("i", L.e),
    ]),
    set("dz", get("zend")),
    inc("dx", get("row")),
    inc("s", 1),
  ])})`;
}

/** The whole module for one precision. Memory is imported as env.memory (the network's arena). */
export function kernelsWat(precision: WasmPrecision): string {
  resetLabels();
  const L = lanes(precision);
  return `;; edgeprop ${precision} kernels, generated from kernels-wat.ts
(module
(import "env" "memory" (memory 0))
${denseForward(L)}
${gradOuter(L)}
${denseGrad(L)}
${denseBackInput(L)}
${optimizerKernels(L)}
${activationKernels(L)}
)
`;
}
