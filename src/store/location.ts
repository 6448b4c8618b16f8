// Where the job log lives when nobody says: an embedded default that needs no set-up on a Pi.
//   1. $EDGEPROP_DATA_DIR, when set;
//   2. /var/lib/edgeprop, when it exists and is writable (a service install: systemd's
//      StateDirectory=edgeprop creates it);
//   3. $XDG_DATA_HOME/edgeprop, else ~/.local/share/edgeprop.
// The log is `<dir>/job-log.sqlite`; raw captures go to `<dir>/captures/`, models to `<dir>/models/`.
import { accessSync, constants, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const DB_FILE_NAME = "job-log.sqlite";
export const SERVICE_DATA_DIR = "/var/lib/edgeprop";

function writableDir(dir: string): boolean {
  try {
    if (!statSync(dir).isDirectory()) return false;
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, serviceDir = SERVICE_DATA_DIR): string {
  if (env.EDGEPROP_DATA_DIR) return env.EDGEPROP_DATA_DIR;
  if (writableDir(serviceDir)) return serviceDir;
  const base = env.XDG_DATA_HOME || join(env.HOME || homedir(), ".local", "share");
  return join(base, "edgeprop");
}

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultDataDir(env), DB_FILE_NAME);
}
