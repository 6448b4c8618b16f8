// cut-quality-rule: the cut-quality estimate until a model exists (`source: "rule"`,
// src/controller/rules.ts). lroPostUm = median LRO of the last `lastRevs` ok cut revolutions of the
// last pass that start with the tool ≥ probeMm + marginMm from the edge (the probe then reads the
// cut face); raUm = null (no honest rule without calibration). Decided at the end of each cut pass,
// sent once per job at its end.
import { inOrderSender } from "../../src/controller/in-order-sender.ts";
import { definePlugin, z } from "../../src/runtime/index.ts";
import { LatheState } from "../../src/protocol/index.ts";
import { cutQualityEstimates, featureRevs, StreamKind } from "../../src/controller/channels.ts";
import { medianOf } from "../../src/controller/rules.ts";

export const configSchema = z.object({
  probeMm: z.number().positive().default(10),
  marginMm: z.number().min(0).default(1),
  lastRevs: z.number().int().min(1).max(256).default(5),
});

export default definePlugin(
  {
    name: "cut-quality-rule",
    version: "0.1.0",
    host: "^0.1.0",
    config: configSchema,
    reads: [featureRevs],
    writes: [cutQualityEstimates],
    description: "residual runout estimate from the last cut revolutions (stated rule)",
  },
  (ctx, config) => {
    const send = inOrderSender(ctx.channels.writer(cutQualityEstimates));
    const last = new Float64Array(config.lastRevs);
    const scratch = new Float64Array(config.lastRevs);
    const s = new Float64Array(4); // [ordinal, revolutions in `last` (total), pass, decided (NaN: none)]
    const minTool = config.probeMm + config.marginMm;
    const r = ctx.channels.reader(featureRevs, () => {
      for (let i = r.next(); i >= 0; i = r.next()) {
        const kind = c.kind[i];
        if (kind === StreamKind.START) {
          s[0] = c.ordinal[i];
          s[1] = 0;
          s[2] = 0;
          s[3] = Number.NaN;
        } else if (kind === StreamKind.REV) {
          if (c.ordinal[i] !== s[0] || c.phase[i] !== LatheState.CUT) continue;
          if (c.pass[i] !== s[2]) {
            s[2] = c.pass[i];
            s[1] = 0;
          }
          if (c.ok[i] === 1 && c.tool[i] >= minTool) last[s[1]++ % last.length] = c.lroUm[i];
        } else if (kind === StreamKind.CUT_END && c.ordinal[i] === s[0]) {
          const n = Math.min(s[1], last.length);
          scratch.set(last);
          const m = medianOf(scratch, n);
          s[3] = m === null ? -1 : m;
        } else if (kind === StreamKind.END && c.ordinal[i] === s[0]) {
          const v = s[3] >= 0 ? Math.round(s[3] * 1000) / 1000 : null;
          send({ ordinal: s[0], lroPostUm: v, raUm: null, source: "rule", modelVersion: null });
        }
      }
    });
    const c = {
      kind: r.column("kind"), ordinal: r.column("ordinal"), ok: r.column("ok"), phase: r.column("phase"),
      pass: r.column("pass"), tool: r.column("tool"), lroUm: r.column("lroUm"),
    };
    return {};
  },
);
