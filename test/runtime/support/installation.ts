// A throw-away installation folder laid out as a garage's would be after `npm i edgeprop
// edgeprop-plugin-example`: node_modules/edgeprop (a link to this repo) and the example plugin,
// either as a package in node_modules or as a plain folder referenced by path.
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
export const examplePlugin = fileURLToPath(new URL("../../fixtures/plugins/edgeprop-plugin-example", import.meta.url));

export function makeInstallation(example: "package" | "path" | "none"): string {
  const dir = mkdtempSync(join(tmpdir(), "edgeprop-inst-"));
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "garage", private: true, type: "module", dependencies: { edgeprop: "0.1.0" } })}\n`);
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(repoRoot, join(dir, "node_modules", "edgeprop"), "dir");
  if (example === "package") cpSync(examplePlugin, join(dir, "node_modules", "edgeprop-plugin-example"), { recursive: true });
  if (example === "path") cpSync(examplePlugin, join(dir, "plugins", "edgeprop-plugin-example"), { recursive: true });
  return dir;
}

export function writeFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
