// The simulated boards in process, through serialport's mock binding: a BindingInterface that the
// controller hands to SerialPortStream (or whatever takes a binding) exactly as it would hand the
// real one. Opening a simulator path attaches that board: what the host writes reaches the board,
// what the board sends arrives with emitData. Uses SerialPortMock.binding (the copy serialport
// itself uses; an ESM import of @serialport/binding-mock would be a separate one).
//
//   const sb = createSimBinding(new Simulator({ scenario: "good" }));
//   const port = new SerialPortStream({ binding: sb.binding, path: sb.paths.vib, baudRate: 921600 });
//   sb.advance(100);              // 100 ms of board time, delivered now (deterministic)
//   sb.run({ speed: 1 });         // or: paced against the wall clock
//
// Bytes produced while a board's port is closed are lost (counted in stats.undelivered).

import { SerialPortMock } from "serialport";
import type { BoardName } from "../faults.ts";
import type { SimChunk, Simulator } from "../simulator.ts";
import { Pacer, type PacerOptions } from "./pacer.ts";

// serialport's package exports hide the binding packages' types from NodeNext resolution, so the
// types are taken from SerialPortMock itself.
type MockBindingInterface = typeof SerialPortMock.binding;
type MockPortBinding = Awaited<ReturnType<MockBindingInterface["open"]>>;
type OpenOptions = Parameters<MockBindingInterface["open"]>[0];
type PortInfo = Awaited<ReturnType<MockBindingInterface["list"]>>[number];
/** The shape SerialPortStream accepts as `binding`. */
export interface SimBindingInterface {
  list(): Promise<PortInfo[]>;
  open(options: OpenOptions): Promise<MockPortBinding>;
}

export interface SimBinding {
  /** Pass this as `binding` to SerialPortStream. */
  readonly binding: SimBindingInterface;
  readonly paths: Record<BoardName, string>;
  readonly sim: Simulator;
  readonly stats: { undelivered: number; delivered: number };
  /** Produces `ms` of board time now and delivers it to the open ports. */
  advance(ms: number): void;
  /** Streams against the wall clock until the simulation ends or stop(). */
  run(opts?: PacerOptions): Pacer;
  stop(): void;
}

let instances = 0;

export function createSimBinding(sim: Simulator, opts: { paths?: Record<BoardName, string> } = {}): SimBinding {
  const mock: MockBindingInterface = SerialPortMock.binding;
  const n = ++instances;
  const paths = opts.paths ?? { vib: `/dev/sim-vib-${n}`, run: `/dev/sim-run-${n}` };
  const boardOf = new Map<string, BoardName>([[paths.vib, "vib"], [paths.run, "run"]]);
  mock.createPort(paths.vib, { manufacturer: "edgeprop firmware-sim", vendorId: "1209", productId: "e901" });
  mock.createPort(paths.run, { manufacturer: "edgeprop firmware-sim", vendorId: "1209", productId: "e902" });
  const open: Record<BoardName, MockPortBinding | null> = { vib: null, run: null };
  const stats = { undelivered: 0, delivered: 0 };
  let pacer: Pacer | null = null;

  const binding: SimBindingInterface = {
    list: async () => (await mock.list()).filter((p) => boardOf.has(p.path)),
    async open(options: OpenOptions) {
      const port = await mock.open(options);
      const board = boardOf.get(options.path);
      if (!board) return port;
      const write = port.write.bind(port);
      port.write = async (buffer: Buffer) => {
        await write(buffer);
        sim.receive(board, buffer);
      };
      const close = port.close.bind(port);
      port.close = async () => {
        if (open[board] === port) open[board] = null;
        await close();
      };
      open[board] = port;
      return port;
    },
  };

  const deliver = (chunk: SimChunk) => {
    const port = open[chunk.board];
    if (!port || !port.isOpen) {
      stats.undelivered++;
      return;
    }
    port.emitData(Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.length));
    stats.delivered++;
  };

  return {
    binding,
    paths,
    sim,
    stats,
    advance(ms: number) {
      const target = sim.simUs + ms * 1000;
      while (!sim.done && sim.simUs < target) for (const c of sim.step()) deliver(c);
    },
    run(pacerOpts?: PacerOptions) {
      pacer?.stop();
      pacer = new Pacer(sim, deliver, pacerOpts);
      pacer.start();
      return pacer;
    },
    stop() {
      pacer?.stop();
    },
  };
}
