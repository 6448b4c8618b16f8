// Opens the IO plugin named in the config, once per connection attempt:
//   firmata  firmata-io over a serialport 13 port (StandardFirmata on an Arduino beside the Pi);
//   raspi    raspi-io on the Pi's own GPIO/I2C (an optional dependency, installed on arm only);
//   virtual  the in-process VirtualPanelIO.
import { createRequire } from "node:module";
import { SerialPort } from "serialport";
import { SerialPortStream } from "@serialport/stream";
import type { BindingInterface } from "@serialport/bindings-interface" with { "resolution-mode": "require" };
import firmataIo from "firmata-io";
import type { PanelConfig } from "./config.ts";
import type { PanelIO } from "./panel-board.ts";
import { VirtualPanelIO } from "./virtual-io.ts";

/**
 * Makes the IO of one connection attempt, synchronously: the caller attaches its listeners before
 * returning to the event loop, so an IO that fails at once (a port that is not there) cannot emit
 * its "error" to nobody. Throws when it cannot even be made.
 */
export type OpenIO = () => PanelIO;

const require = createRequire(import.meta.url);

/** `binding`: the serialport binding for Firmata (default the platform's; tests pass a mock). */
export function ioFactory(config: Pick<PanelConfig, "io" | "port" | "baudRate" | "lcd">, binding: BindingInterface = SerialPort.binding): OpenIO {
  switch (config.io) {
    case "virtual":
      return () => new VirtualPanelIO(config.lcd.address ?? 0x27);
    case "firmata":
      return () => {
        // Not opened yet: firmata-io listens for "open" and only then asks the board for its version.
        const port = new SerialPortStream({ binding, path: config.port!, baudRate: config.baudRate, autoOpen: false });
        const io = new firmataIo.Firmata(port) as unknown as PanelIO;
        port.open();
        return io;
      };
    case "raspi":
      return () => {
        let mod: { RaspiIO: new (options: { enableSerial: boolean }) => PanelIO };
        try {
          mod = require("raspi-io") as typeof mod;
        } catch (err) {
          throw new Error(`io 'raspi' needs the optional package raspi-io (installed on a Raspberry Pi only): ${err instanceof Error ? err.message : String(err)}`);
        }
        // The panel needs no UART: leave the Pi's serial pins to whoever uses them.
        return new mod.RaspiIO({ enableSerial: false });
      };
  }
}
