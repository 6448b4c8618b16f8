// Helpers for the dashboard's browser tests: Debian's chromium through playwright-core (never a
// downloaded browser), an artifacts folder for screenshots, and the plugin's module path.
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { CHROMIUM_ARGS } from "../../../plugins/dashboard/routes-report.ts";

export const CHROMIUM = process.env.EDGEPROP_CHROMIUM ?? "/usr/bin/chromium";
export const haveChromium = existsSync(CHROMIUM);
export const SKIP_REASON = `browser tests need Chromium at ${CHROMIUM} (apt-get install -y chromium; CI installs it)`;

/** Screenshots and the PDF land here (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/dashboard/", import.meta.url));

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return `${ARTIFACTS}${name}`;
}

export function pluginPath(name: string): string {
  return fileURLToPath(new URL(`../../../plugins/${name}/index.ts`, import.meta.url));
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 15_000, everyMs = 50): Promise<NonNullable<T>> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
