// Loads the datasheet's test vectors from the repo's fixture copy.
import { readFileSync } from "node:fs";

export interface FrameVector {
  name: string;
  hex: string;
  expect: { ok: true; type: string; [field: string]: unknown } | { ok: false; reason: string };
}
export interface StreamVector {
  name: string;
  hex: string;
  expect_types: string[];
  expect_dropped_at_least: number;
}
export interface Vectors {
  protocol: number;
  frames: FrameVector[];
  streams: StreamVector[];
}

export const vectors: Vectors = JSON.parse(
  readFileSync(new URL("../fixtures/protocol/vectors.json", import.meta.url), "utf8"),
);

export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, "hex"));
}
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}
