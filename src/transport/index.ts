// Public surface of the serial transport: the boards found, identified, kept connected, captured,
// and captures replayed as if they were the boards.
export type { BoardEndpoint, BoardState } from "./board-endpoint.ts";
export { BoardLink, kindName, type BoardLinkOptions } from "./board-link.ts";
export { BoardSet, ROLES, type BoardRole, type BoardSetEvent, type BoardSetOptions } from "./board-set.ts";
export { AckResult, CommandChannel, type CommandChannelOptions, type SetRateReply } from "./command-channel.ts";
export { discoverBoards, boardsByKind, DEFAULT_BAUDS, type DiscoveryOptions, type DiscoveryResult, type FoundBoard, type ProbeOutcome } from "./discovery.ts";
export { listCandidatePorts, scanDevDir, findOnPath, type CandidatePort, type PortListOptions } from "./port-list.ts";
export { CaptureWriter, CaptureError, type CaptureWriterOptions, type CaptureFile } from "./capture-writer.ts";
export { CaptureReader, type CaptureReaderOptions } from "./capture-reader.ts";
export { ReplaySource, type ReplayOptions, type ReplayStats } from "./replay-source.ts";
export { TransportError, TransportErrorCode } from "./errors.ts";
export type { LinkEvent, LinkEventType, LinkListener } from "./link-events.ts";
export { Backoff, type BackoffOptions } from "./backoff.ts";
export { realTimers, type Timers, type TimerHandle } from "./timers.ts";
