#!/usr/bin/env node
// The installed command: loads the TypeScript CLI through tsx, so no build step sits between a
// `git pull` and a running controller.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
