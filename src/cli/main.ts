// The one place that wires everything: parses the command line and hands off to a command module.
import { commands } from "./commands.ts";

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: edgeprop <command> [options]\n\ncommands:\n${lines.join("\n")}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(usage());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`edgeprop: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}
