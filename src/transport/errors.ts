// The transport's stable error codes. Every error names the port (or file) and carries numbers.

export const TransportErrorCode = {
  /** A command got no ACK/HELLO within its timeout. */
  EP_ERR_COMMAND_TIMEOUT: "EP_ERR_COMMAND_TIMEOUT",
  /** The port closed (or was never open) while a command waited. */
  EP_ERR_PORT_CLOSED: "EP_ERR_PORT_CLOSED",
  /** A port could not be opened. */
  EP_ERR_PORT_OPEN: "EP_ERR_PORT_OPEN",
  /** No HELLO came from a port, even after PING. */
  EP_ERR_NO_HELLO: "EP_ERR_NO_HELLO",
  /** A capture file could not be opened or written (capture stops; the board stays connected). */
  EP_ERR_CAPTURE: "EP_ERR_CAPTURE",
  /** A capture file could not be read. */
  EP_ERR_CAPTURE_READ: "EP_ERR_CAPTURE_READ",
} as const;
export type TransportErrorCode = keyof typeof TransportErrorCode;

export class TransportError extends Error {
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "TransportError";
  }
}
