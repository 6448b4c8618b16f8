// The live status line of the boards (one line per interval; the final one on stop).
import { DROP_REASONS } from "../../src/protocol/index.ts";
import { ROLES, type BoardSet } from "../../src/transport/board-set.ts";
import type { BoardLink } from "../../src/transport/board-link.ts";

export function statusLine(set: BoardSet, final = false): string {
  const parts = ROLES.map((role) => {
    const link = set.links.get(role);
    return link ? boardStatus(role, link) : `${role}: MISSING`;
  });
  return `${final ? "final " : ""}boards ${set.links.size}/2 | ${parts.join(" | ")}`;
}

function boardStatus(role: string, link: BoardLink): string {
  const c = link.decoder.counters;
  const drops = DROP_REASONS.filter((r) => c.dropped(r) > 0).map((r) => `${r} ${c.dropped(r)}`);
  const rate = link.hello ? ` ${link.hello.rate_hz} Hz` : "";
  return (
    `${role}: ${link.state}${rate} frames ${c.framesOk} drops ${c.droppedTotal()}` +
    (drops.length ? ` (${drops.join(", ")})` : "") +
    ` lost ${c.lostFrames} gaps ${c.gaps} resets ${c.resets} reconnects ${link.stats.reconnects}`
  );
}
