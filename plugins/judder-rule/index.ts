// judder-rule: the judder estimate until a model exists (`source: "rule"`, src/controller/rules.ts):
// p = logistic((LRO before the cut − limitUm) / scaleUm), flag = p ≥ threshold. Decided at the end
// of each cut pass (the last one counts) from the job's compensated measure revolutions, before the
// check pass and before any label; sent once per job at its end (p null if no cut pass ended).
import { inOrderSender } from "../../src/controller/in-order-sender.ts";
import { definePlugin, z } from "../../src/runtime/index.ts";
import { LatheState } from "../../src/protocol/index.ts";
import { featureRevs, judderEstimates, StreamKind } from "../../src/controller/channels.ts";
import { judderP, medianOf } from "../../src/controller/rules.ts";

export const configSchema = z.object({
  /** LRO before the cut at which the rule says judder (µm; trade limit 50). */
  limitUm: z.number().positive().default(50),
  /** Width of the logistic, µm. */
  scaleUm: z.number().positive().default(5),
  /** Flag when p ≥ threshold. */
  threshold: z.number().min(0).max(1).default(0.5),
});

export default definePlugin(
  {
    name: "judder-rule",
    version: "0.1.0",
    host: "^0.1.0",
    config: configSchema,
    reads: [featureRevs],
    writes: [judderEstimates],
    description: "judder flag from LRO before the cut (stated rule)",
  },
  (ctx, config) => {
    const send = inOrderSender(ctx.channels.writer(judderEstimates));
    const lro = new Float64Array(8192);
    const scratch = new Float64Array(8192);
    const s = new Float64Array(3); // [ordinal, n, decided p (−1: not decided, or no LRO before the cut)]
    const r = ctx.channels.reader(featureRevs, () => {
      for (let i = r.next(); i >= 0; i = r.next()) {
        const kind = c.kind[i];
        if (kind === StreamKind.START) {
          s[0] = c.ordinal[i];
          s[1] = 0;
          s[2] = -1;
        } else if (kind === StreamKind.REV) {
          if (c.ordinal[i] === s[0] && c.ok[i] === 1 && c.phase[i] === LatheState.MEASURE && c.comp[i] === 1 && s[1] < lro.length) lro[s[1]++] = c.lroUm[i];
        } else if (kind === StreamKind.CUT_END && c.ordinal[i] === s[0]) {
          scratch.set(lro.subarray(0, s[1]));
          const p = judderP(medianOf(scratch, s[1]), config);
          s[2] = p === null ? -1 : p;
        } else if (kind === StreamKind.END && c.ordinal[i] === s[0]) {
          const p = s[2] >= 0 ? s[2] : null;
          send({ ordinal: s[0], p, flag: p === null ? null : p >= config.threshold, source: "rule", modelVersion: null });
        }
      }
    });
    const c = {
      kind: r.column("kind"), ordinal: r.column("ordinal"), ok: r.column("ok"), phase: r.column("phase"),
      comp: r.column("comp"), lroUm: r.column("lroUm"),
    };
    return {};
  },
);
