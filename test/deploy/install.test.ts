// deploy/install.sh under a temporary root (--root): the first run sets everything up, a second
// run changes nothing (same files, modes, owners; "0 change(s)"), a dry run changes nothing, a
// config edited by hand is kept, a unit edited by hand is put back. The app folder is a temporary
// one whose code folders link to this checkout and whose package-lock.json has no packages, so
// `npm ci --omit=dev` runs offline in a second. Also: shellcheck on the script, and
// `systemd-analyze verify` (Debian's systemd) on the unit it renders.
import { spawnSync } from "node:child_process";
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "edgeprop-install-"));
const app = join(dir, "app");
const asRoot = process.getuid?.() === 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeApp(): void {
  mkdirSync(app);
  cpSync(join(repo, "config"), join(app, "config"), { recursive: true });
  cpSync(join(repo, "deploy"), join(app, "deploy"), { recursive: true });
  // node resolves the links to this checkout, so bin/edgeprop.js (config check) finds tsx there
  for (const d of ["bin", "plugins", "src"]) symlinkSync(join(repo, d), join(app, d));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "edgeprop-install-test", version: "1.0.0" }));
  writeFileSync(join(app, "package-lock.json"), JSON.stringify({ name: "edgeprop-install-test", version: "1.0.0", lockfileVersion: 3, requires: true, packages: { "": { name: "edgeprop-install-test", version: "1.0.0" } } }));
}

/** A root with just the account files useradd --prefix edits. */
function makeRoot(name: string): string {
  const root = join(dir, name);
  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
  writeFileSync(join(root, "etc/group"), "root:x:0:\ndialout:x:20:\n");
  writeFileSync(join(root, "etc/shadow"), "root:*:19000:0:99999:7:::\n", { mode: 0o640 });
  writeFileSync(join(root, "etc/gshadow"), "root:*::\ndialout:*::\n", { mode: 0o640 });
  return root;
}

function install(root: string, ...args: string[]): { code: number | null; out: string } {
  const r = spawnSync("bash", [join(app, "deploy/install.sh"), "--root", root, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout + r.stderr };
}

/** Every path below `root` with its type, mode, owner and content hash (or link target). */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const s = lstatSync(p);
      const what = s.isSymbolicLink() ? `-> ${readlinkSync(p)}` : s.isFile() ? createHash("sha256").update(readFileSync(p)).digest("hex").slice(0, 16) : "dir";
      out.push(`${p.slice(root.length)} ${(s.mode & 0o7777).toString(8)} ${s.uid}:${s.gid} ${what}`);
      if (s.isDirectory()) walk(p);
    }
  };
  walk(root);
  return out;
}

describe("deploy/install.sh", () => {
  let root: string;
  let first: { code: number | null; out: string };
  beforeAll(() => {
    makeApp();
    root = makeRoot("root");
    first = install(root);
  });

  it("passes shellcheck (and so does deploy/cross-build-arm64.sh)", () => {
    const r = spawnSync("shellcheck", [join(repo, "deploy/install.sh"), join(repo, "deploy/cross-build-arm64.sh")], { encoding: "utf8" });
    expect(r.error, "shellcheck is installed by .ci/run (apt)").toBeUndefined();
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("sets up the user, folders, config, unit, udev rule, logrotate, command and node_modules", () => {
    expect(first.code, first.out).toBe(0);
    const node = process.execPath;
    const unit = readFileSync(join(root, "etc/systemd/system/edgeprop.service"), "utf8");
    expect(unit).toContain(`ExecStart=${node} ${app}/bin/edgeprop.js run --config /etc/edgeprop/edgeprop.yaml`);
    expect(unit).not.toContain("@");
    const config = readFileSync(join(root, "etc/edgeprop/edgeprop.yaml"), "utf8");
    expect(config).not.toContain("../");
    expect(config).toContain(`module: ${app}/plugins/boards/index.ts`);
    expect(config).toContain(`priorFile: ${app}/models/prior/judder.epnn`); // the shipped prior, from the checkout
    expect(config).toContain(`raPriorFile: ${app}/models/prior/ra.epnn`);
    expect(config).toMatch(/dataDir: \/var\/lib\/edgeprop\/data\n/);
    expect(config).toMatch(/logFile: \/var\/log\/edgeprop\/edgeprop.log\n/);
    expect(config).toMatch(/health\/index.ts\n(\s+#.*\n)*\s+config: \{ writeMs: 5000, file: \/run\/edgeprop\/status.json \}/);
    expect(config).toMatch(/job-log\/index.ts\n\s+config: \{ db: \/var\/lib\/edgeprop\/job-log.sqlite \}/);
    expect(first.out).toMatch(/^OK .*edgeprop.yaml: \d+ plugins/m); // `edgeprop config check` on the result
    expect(readFileSync(join(root, "etc/udev/rules.d/98-edgeprop.rules"), "utf8")).toBe(readFileSync(join(repo, "deploy/98-edgeprop.rules"), "utf8"));
    expect(readFileSync(join(root, "usr/local/bin/edgeprop"), "utf8")).toContain(`exec "${node}" "${app}/bin/edgeprop.js" "$@"`);
    expect(readlinkSync(join(root, "etc/systemd/system/multi-user.target.wants/edgeprop.service"))).toBe("/etc/systemd/system/edgeprop.service");
    expect(lstatSync(join(root, "var/lib/edgeprop")).mode & 0o777).toBe(0o750);
    if (asRoot) {
      const user = readFileSync(join(root, "etc/passwd"), "utf8").match(/^edgeprop:x:(\d+):(\d+):.*:\/var\/lib\/edgeprop:\/usr\/sbin\/nologin$/m);
      expect(user).not.toBeNull();
      expect(readFileSync(join(root, "etc/group"), "utf8")).toMatch(/^dialout:x:20:edgeprop$/m);
      const s = lstatSync(join(root, "var/lib/edgeprop"));
      expect([s.uid, s.gid]).toEqual([Number(user![1]), Number(user![2])]);
      expect(lstatSync(join(root, "etc/edgeprop/edgeprop.yaml")).gid).toBe(Number(user![2]));
    } else {
      expect(first.out).toContain("note: not root");
    }
    expect(first.out).toContain("npm ci --omit=dev");
  });

  it("changes nothing when run again", () => {
    const before = snapshot(root);
    const again = install(root);
    expect(again.code, again.out).toBe(0);
    expect(again.out).not.toMatch(/^change:/m);
    expect(again.out).toMatch(/^0 change\(s\)$/m);
    expect(snapshot(root)).toEqual(before);
  });

  it("keeps a config edited by hand, and puts back an edited unit", () => {
    const config = join(root, "etc/edgeprop/edgeprop.yaml");
    writeFileSync(config, readFileSync(config, "utf8").replace("statusMs: 1000", "statusMs: 2000"));
    writeFileSync(join(root, "etc/systemd/system/edgeprop.service"), "[Service]\n");
    const r = install(root);
    expect(r.code, r.out).toBe(0);
    expect(r.out.match(/^change: .*/gm)).toEqual(["change: write /etc/systemd/system/edgeprop.service"]);
    expect(readFileSync(config, "utf8")).toContain("statusMs: 2000");
  });

  it("--dry-run says what it would do and does nothing", () => {
    const fresh = makeRoot("dry");
    const before = snapshot(fresh);
    const r = install(fresh, "--dry-run");
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^would: write \/etc\/systemd\/system\/edgeprop.service$/m);
    expect(r.out).toMatch(/^\d+ change\(s\) \(dry run: nothing done\)$/m);
    expect(snapshot(fresh)).toEqual(before);
  });

  it("ships udev rules made of well-formed KEY op \"value\" pairs", () => {
    const key = /^(ACTION|SUBSYSTEMS?|KERNEL|ENV\{[A-Z_.]+\}|ATTRS?\{\w+\}|GROUP|MODE|SYMLINK|GOTO|LABEL)(==|!=|=|\+=)"[^"]*"$/;
    const rules = readFileSync(join(repo, "deploy/98-edgeprop.rules"), "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("#"));
    expect(rules.length).toBe(6);
    for (const rule of rules) for (const pair of rule.split(", ")) expect(pair, rule).toMatch(key);
    expect(rules.join("\n")).toContain('GROUP="dialout", MODE="0660"');
    // the pinning examples, once uncommented, are well-formed too
    const pins = readFileSync(join(repo, "deploy/98-edgeprop.rules"), "utf8").match(/^#   SUBSYSTEM==.*$/gm)!;
    expect(pins).toHaveLength(2);
    for (const pin of pins) for (const pair of pin.slice(4).split(", ")) expect(pair).toMatch(key);
  });

  it("renders a unit that `systemd-analyze verify` accepts without a warning", () => {
    const r = spawnSync("systemd-analyze", ["verify", join(root, "etc/systemd/system/edgeprop.service")], { encoding: "utf8" });
    expect(r.error, "systemd-analyze comes with Debian's systemd package (.ci/run installs it)").toBeUndefined();
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
    // the check can fail: a typo'd value and a missing binary are reported
    const bad = join(dir, "edgeprop.service");
    writeFileSync(bad, readFileSync(join(root, "etc/systemd/system/edgeprop.service"), "utf8").replace("WatchdogSec=30", "WatchdogSec=thirty").replace(`ExecStart=${process.execPath}`, "ExecStart=/nonexistent/node"));
    const r2 = spawnSync("systemd-analyze", ["verify", bad], { encoding: "utf8" });
    expect(r2.stderr).toMatch(/Failed to parse sec value/);
    expect(r2.stderr).toMatch(/\/nonexistent\/node is not executable/);
    expect(r2.status).not.toBe(0);
  });
});
