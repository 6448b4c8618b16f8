// `npm run build:wasm`: assembles the kernel WAT (kernels-wat.ts) for both precisions with wabt
// and writes kernels-bytes.generated.ts (base64 of each binary), so the library needs no build step
// at install and reads no file at run time. A dev tool: the library never imports this file.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { assembleKernels, generatedModuleText } from "./assemble.ts";

const target = fileURLToPath(new URL("./kernels-bytes.generated.ts", import.meta.url));
const text = generatedModuleText(await assembleKernels());
writeFileSync(target, text);
console.log(`wrote ${target} (${text.length} chars)`);
