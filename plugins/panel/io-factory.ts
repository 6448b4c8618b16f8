// Opens the IO plugin named in the config, once per connection attempt:
//   firmata  firmata-io over a serialport 13 port (StandardFirmata on an Arduino beside the Pi);
//   raspi    raspi-io on the Pi's own GPIO/I2C (an optional dependency, installed on arm only);
//   virtual  the in-process VirtualPanelIO.
import { createRequire } from "node:module";
import { SerialPort } from "serialport";
import firmataIo from "firmata-io";
import type { PanelConfig } from "./config.ts";
import type { PanelIO } from "./panel-board.ts";
import { VirtualPanelIO } from "./virtual-io.ts";

export type OpenIO = () => Promise<PanelIO>;

const require = createRequire(import.meta.url);

export function ioFactory(config: Pick<PanelConfig, "io" | "port" | "baudRate" | "lcd">): OpenIO {
  switch (config.io) {
    case "virtual":
      return async () => new VirtualPanelIO(config.lcd.address ?? 0x27);
    case "firmata":
      return async () => {
        // Not opened yet: firmata-io listens for "open" and only then asks the board for its version.
        const port = new SerialPort({ path: config.port!, baudRate: config.baudRate, autoOpen: false });
        const io = new firmataIo.Firmata(port) as unknown as PanelIO;
        port.open();
        return io;
      };
    case "raspi":
      return async () => {
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
