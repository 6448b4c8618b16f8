// A serialport mock binding with simulated devices behind it (used by the transport tests' scripted
// boards and the panel tests' Firmata devices): opening a device's path attaches the device to the
// opened mock port, routes the controller's writes to it, and an unplugged device fails open and read.
import { SerialPortMock } from "serialport";
import type { BindingInterface } from "@serialport/bindings-interface" with { "resolution-mode": "require" };
import type { MockPortBinding } from "@serialport/binding-mock" with { "resolution-mode": "require" };

/** What a simulated device offers the binding. */
export interface MockDevice {
  readonly path: string;
  /** While true, opening the path fails and reads from an open port throw. */
  unplugged: boolean;
  /** Bytes the controller wrote, after the mock port has taken them. */
  receive(bytes: Buffer): void;
  /** Called once per open with the new mock port and the baud rate asked for. */
  attach(port: MockPortBinding, baudRate: number): void;
}

export function deviceBinding(devices: MockDevice[]): BindingInterface {
  const mock = SerialPortMock.binding;
  const byPath = new Map(devices.map((d) => [d.path, d]));
  return {
    list: () => mock.list(),
    async open(options) {
      const device = byPath.get(options.path);
      if (device?.unplugged) throw new Error(`Error: No such file or directory, cannot open ${options.path}`);
      const port = await mock.open(options);
      if (device) {
        const write = port.write.bind(port);
        port.write = async (buffer: Buffer) => {
          await write(buffer);
          device.receive(buffer);
        };
        const read = port.read.bind(port);
        port.read = async (buffer: Buffer, offset: number, length: number) => {
          if (device.unplugged) throw new Error("device unplugged");
          return read(buffer, offset, length);
        };
        device.attach(port, options.baudRate);
      }
      return port;
    },
  };
}

/** The USB cable comes out under an open mock port: its pending read fails as a real one would. */
export function failPendingRead(port: MockPortBinding | undefined): void {
  const p = port as unknown as { pendingRead: ((err?: Error) => void) | null } | undefined;
  p?.pendingRead?.(new Error("device reports readiness to read but returned no data (unplugged)"));
}
