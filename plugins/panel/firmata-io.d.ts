// firmata-io ships no types; the panel only constructs a Firmata IO over an open-able transport.
declare module "firmata-io" {
  import type { EventEmitter } from "node:events";
  interface FirmataIoModule {
    (transport: unknown): FirmataIoModule;
    Firmata: new (transport: unknown, options?: Record<string, unknown>, callback?: (err?: unknown) => void) => EventEmitter & { isReady: boolean };
  }
  const firmataIo: FirmataIoModule;
  export default firmataIo;
}
