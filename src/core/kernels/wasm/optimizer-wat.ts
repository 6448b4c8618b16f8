// WAT of the optimizer kernels (SGD with momentum / Nesterov, Adam) and of scale / sumSquares:
// element-wise over n parameters, four vectors per iteration, then single vectors, then the last
// n mod lanes elements in scalar. The update formulas are those of the TS reference kernels
// (../ts.ts); scalars arrive as f64 and are narrowed once for the f32 module.

import { type Lanes, get, inc, set, toBytes, whileLoop } from "./wat-helpers.ts";

/** One element-wise pass: `v` builds vector code, `s` scalar code, for the same statements. */
interface Ops {
  op: (name: string, ...args: string[]) => string; // arithmetic in this mode
  load: (ptr: string) => string;
  store: (ptr: string, value: string) => string;
  k: (scalarLocal: string) => string; // a scalar parameter, broadcast in vector mode
  local: (name: string) => string; // per-element temporary of this mode
  step: number; // bytes per iteration
}

/** Vector code for the vector `off` bytes past the pointers (unrolled copies use 0, 16, 32, 48). */
function vecOps(L: Lanes, off: number): Ops {
  const at = off === 0 ? "" : ` offset=${off}`;
  return {
    op: (name, ...args) => `(${L.v}.${name} ${args.join(" ")})`,
    load: (ptr) => `(v128.load${at} ${get(ptr)})`,
    store: (ptr, value) => `(v128.store${at} ${get(ptr)} ${value})`,
    k: (s) => get(`v_${s}`),
    local: (n) => `v_${n}`,
    step: 16,
  };
}

function modes(L: Lanes): { vec: Ops; sca: Ops } {
  const vec: Ops = {
    op: (name, ...args) => `(${L.v}.${name} ${args.join(" ")})`,
    load: (ptr) => `(v128.load ${get(ptr)})`,
    store: (ptr, value) => `(v128.store ${get(ptr)} ${value})`,
    k: (s) => get(`v_${s}`),
    local: (n) => `v_${n}`,
    step: 16,
  };
  const sca: Ops = {
    op: (name, ...args) => `(${L.t}.${name} ${args.join(" ")})`,
    load: (ptr) => `(${L.t}.load ${get(ptr)})`,
    store: (ptr, value) => `(${L.t}.store ${get(ptr)} ${value})`,
    k: (s) => get(`s_${s}`),
    local: (n) => `s_${n}`,
    step: L.e,
  };
  return { vec, sca };
}

interface Elementwise {
  name: string;
  params: string; // WAT params after the pointer params and n
  pointers: string[]; // element-offset params walked in step
  scalars: string[]; // f64 params used inside the loop (narrowed / broadcast)
  temps: string[]; // per-element temporaries
  prologue: string[]; // statements run once before the loops (may set derived scalars)
  derived: string[]; // extra scalar locals of the element type computed in the prologue
  body: (o: Ops) => string[];
}

function elementwise(L: Lanes, k: Elementwise): string {
  const { vec, sca } = modes(L);
  const all = [...k.scalars, ...k.derived];
  const narrow = (s: string): string => (L.t === "f64" ? get(s) : `(f32.demote_f64 ${get(s)})`);
  const ptrDecl = k.pointers.map((p) => `(param $${p} i32)`).join(" ");
  const loop = (o: Ops, end: string): string =>
    whileLoop(`(i32.lt_u ${get(k.pointers[0]!)} ${get(end)})`, [
      ...k.body(o),
      ...k.pointers.map((p) => inc(p, o.step)),
    ]);
  const unrolled = whileLoop(`(i32.lt_u ${get(k.pointers[0]!)} ${get("vend4")})`, [
    ...[0, 16, 32, 48].flatMap((off) => k.body(vecOps(L, off))),
    ...k.pointers.map((p) => inc(p, 64)),
  ]);
  return `(func $${k.name} (export "${k.name}") ${ptrDecl} (param $n i32) ${k.params}
  (local $vend i32) (local $vend4 i32) (local $end i32)
  ${all.map((s) => `(local $s_${s} ${L.t}) (local $v_${s} v128)`).join(" ")}
  ${k.temps.map((t) => `(local $s_${t} ${L.t}) (local $v_${t} v128)`).join(" ")}
  ${toBytes(L, k.pointers)}
  ${k.scalars.map((s) => set(`s_${s}`, narrow(s))).join("\n  ")}
  ${k.prologue.join("\n  ")}
  ${all.map((s) => set(`v_${s}`, `(${L.v}.splat ${get(`s_${s}`)})`)).join("\n  ")}
  ${set("end", `(i32.add ${get(k.pointers[0]!)} (i32.shl ${get("n")} (i32.const ${L.sh})))`)}
  ${set("vend", `(i32.add ${get(k.pointers[0]!)} (i32.shl (i32.and ${get("n")} (i32.const ${-L.n})) (i32.const ${L.sh})))`)}
  ${set("vend4", `(i32.add ${get(k.pointers[0]!)} (i32.shl (i32.and ${get("n")} (i32.const ${-4 * L.n})) (i32.const ${L.sh})))`)}
  ${unrolled}
  ${loop(vec, "vend")}
  ${loop(sca, "end")})`;
}

// p -= lr·g without momentum; with it v = μ·v + g, then p -= lr·(g + μ·v) (Nesterov) or lr·v.
function sgdStep(L: Lanes): string {
  const plain = elementwise(L, {
    name: "sgdPlain",
    params: "(param $lr f64)",
    pointers: ["p", "g"],
    scalars: ["lr"],
    temps: [],
    prologue: [],
    derived: [],
    body: (o) => [o.store("p", o.op("sub", o.load("p"), o.op("mul", o.k("lr"), o.load("g"))))],
  });
  const momentum = (nesterov: boolean): string =>
    elementwise(L, {
      name: nesterov ? "sgdNesterov" : "sgdMomentum",
      params: "(param $lr f64) (param $mu f64)",
      pointers: ["p", "g", "v"],
      scalars: ["lr", "mu"],
      temps: ["g", "v"],
      prologue: [],
      derived: [],
      body: (o) => [
        set(o.local("g"), o.load("g")),
        set(o.local("v"), o.op("add", o.op("mul", o.k("mu"), o.load("v")), get(o.local("g")))),
        o.store("v", get(o.local("v"))),
        o.store(
          "p",
          o.op(
            "sub",
            o.load("p"),
            o.op(
              "mul",
              o.k("lr"),
              nesterov ? o.op("add", get(o.local("g")), o.op("mul", o.k("mu"), get(o.local("v")))) : get(o.local("v")),
            ),
          ),
        ),
      ],
    });
  // Internal helpers are exported too (harmless); sgdStep dispatches once per call.
  return `${plain}
${momentum(false)}
${momentum(true)}
(func (export "sgdStep") (param $p i32) (param $g i32) (param $v i32) (param $n i32)
  (param $lr f64) (param $mu f64) (param $nesterov i32)
  (if (f64.eq (local.get $mu) (f64.const 0))
    (then (call $sgdPlain (local.get $p) (local.get $g) (local.get $n) (local.get $lr)))
    (else (if (local.get $nesterov)
      (then (call $sgdNesterov (local.get $p) (local.get $g) (local.get $v) (local.get $n) (local.get $lr) (local.get $mu)))
      (else (call $sgdMomentum (local.get $p) (local.get $g) (local.get $v) (local.get $n) (local.get $lr) (local.get $mu)))))))`;
}

// m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; p -= lr·(m / bc1) / (√(v / bc2) + ε).
function adamStep(L: Lanes): string {
  return elementwise(L, {
    name: "adamStep",
    params:
      "(param $lr f64) (param $beta1 f64) (param $beta2 f64) (param $eps f64) (param $bc1 f64) (param $bc2 f64)",
    pointers: ["p", "g", "m", "v"],
    scalars: ["lr", "beta1", "beta2", "eps", "bc1", "bc2"],
    temps: ["g", "m", "v"],
    prologue: [
      set("s_omb1", `(${L.t}.sub (${L.t}.const 1) ${get("s_beta1")})`),
      set("s_omb2", `(${L.t}.sub (${L.t}.const 1) ${get("s_beta2")})`),
    ],
    derived: ["omb1", "omb2"],
    body: (o) => [
      set(o.local("g"), o.load("g")),
      set(o.local("m"), o.op("add", o.op("mul", o.k("beta1"), o.load("m")), o.op("mul", o.k("omb1"), get(o.local("g"))))),
      set(
        o.local("v"),
        o.op(
          "add",
          o.op("mul", o.k("beta2"), o.load("v")),
          o.op("mul", o.op("mul", o.k("omb2"), get(o.local("g"))), get(o.local("g"))),
        ),
      ),
      o.store("m", get(o.local("m"))),
      o.store("v", get(o.local("v"))),
      o.store(
        "p",
        o.op(
          "sub",
          o.load("p"),
          o.op(
            "div",
            o.op("mul", o.k("lr"), o.op("div", get(o.local("m")), o.k("bc1"))),
            o.op("add", o.op("sqrt", o.op("div", get(o.local("v")), o.k("bc2"))), o.k("eps")),
          ),
        ),
      ),
    ],
  });
}

// x *= alpha.
function scale(L: Lanes): string {
  return elementwise(L, {
    name: "scale",
    params: "(param $alpha f64)",
    pointers: ["x"],
    scalars: ["alpha"],
    temps: [],
    prologue: [],
    derived: [],
    body: (o) => [o.store("x", o.op("mul", o.load("x"), o.k("alpha")))],
  });
}

// arena[out] = Σ x²: two vector accumulators, then the lanes, then the scalar tail.
function sumSquares(L: Lanes): string {
  const { vec, sca } = modes(L);
  const sq = (o: Ops, acc: string, off: number): string =>
    set(acc, o.op("add", get(acc), o.op("mul", `(v128.load offset=${off} ${get("x")})`, `(v128.load offset=${off} ${get("x")})`)));
  const lane = (k: number): string => `(${L.v}.extract_lane ${k} ${get("a0")})`;
  let total = lane(0);
  for (let k = 1; k < L.n; k++) total = `(${L.t}.add ${total} ${lane(k)})`;
  return `(func (export "sumSquares") (param $x i32) (param $n i32) (param $out i32)
  (local $end i32) (local $vend i32) (local $vend2 i32) (local $a0 v128) (local $a1 v128) (local $s ${L.t}) (local $t ${L.t})
  ${toBytes(L, ["x", "out"])}
  ${set("end", `(i32.add ${get("x")} (i32.shl ${get("n")} (i32.const ${L.sh})))`)}
  ${set("vend", `(i32.add ${get("x")} (i32.shl (i32.and ${get("n")} (i32.const ${-L.n})) (i32.const ${L.sh})))`)}
  ${set("vend2", `(i32.add ${get("x")} (i32.shl (i32.and ${get("n")} (i32.const ${-2 * L.n})) (i32.const ${L.sh})))`)}
  ${whileLoop(`(i32.lt_u ${get("x")} ${get("vend2")})`, [sq(vec, "a0", 0), sq(vec, "a1", 16), inc("x", 32)])}
  ${whileLoop(`(i32.lt_u ${get("x")} ${get("vend")})`, [sq(vec, "a0", 0), inc("x", 16)])}
  ${set("a0", `(${L.v}.add ${get("a0")} ${get("a1")})`)}
  ${set("s", total)}
  ${whileLoop(`(i32.lt_u ${get("x")} ${get("end")})`, [
    set("t", sca.load("x")),
    set("s", `(${L.t}.add ${get("s")} (${L.t}.mul ${get("t")} ${get("t")}))`),
    inc("x", L.e),
  ])}
  (${L.t}.store ${get("out")} ${get("s")}))`;
}

export function optimizerKernels(L: Lanes): string {
  return [sgdStep(L), adamStep(L), scale(L), sumSquares(L)].join("\n");
}
