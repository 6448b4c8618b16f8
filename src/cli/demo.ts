export async function runDemo(_argv: string[]): Promise<number> {
  process.stdout.write("demo: core engine not built yet\n");
  return 0;
}
