// Every use of the mariadb connector's internals, in one place. The connector is pinned in
// package.json, and test/source/connector-internals.test.ts fails if any of this changes.
//
// Why: the connector dispatches every row packet to a callback and decodes it into JavaScript
// values; for narrow rows that alone costs more than the whole `mariadb` client export. We let
// the connector do everything but the rows: it connects, sends the query, reads column
// definitions, EOF/OK and ERR packets. The rows' bytes are taken off the socket in whole
// chunks by RowCapture, straight into batches.
//
// How: queryStream (or a prepared statement's executeStream) creates a command object holding
// the connection's socket; we note it as its constructor subscribes to its own events (the only
// way in that does not depend on where the package manager put the connector's files, and that
// survives `bun build --compile`).
// The connector's own 'data' listener on that socket is swapped for a router into RowCapture
// for the duration of the query; what RowCapture does not keep goes to that listener, packet
// by packet, so the connector's reader always sits at a packet boundary.
import { EventEmitter } from "node:events";
import type { Readable } from "node:stream";
import type { Connection, FieldInfo } from "mariadb";
import { RowCapture } from "./row-capture.ts";
import { SocketDrain } from "./socket-drain.ts";

export interface RowEvents {
  /** A result set's columns; rows follow. */
  columns(fields: FieldInfo[]): void;
  /** Whole rows: row payloads (of the protocol the command uses), concatenated. */
  batch(payloads: Uint8Array<ArrayBuffer>, rowCount: number): void;
  end(): void;
  error(error: unknown): void;
}

export interface RowStream {
  /** Stop reading the socket (the server then blocks in its send). */
  pause(): void;
  resume(): void;
  /** How many socket chunks have arrived: a clock-free sign of life for a watchdog. */
  readonly chunks: number;
}

export interface RowStreamOptions {
  batchRows: number;
  batchBytes: number;
}

type DataListener = (chunk: Buffer) => void;

interface CommandInternals {
  socket: NodeJS.EventEmitter & { pause(): void; resume(): void };
}

/** The connector's stream of a result: conn.queryStream(sql), or a prepared statement's executeStream(). */
type ResultStream = Readable;

/** Runs the command `start` sends (on `conn`) and hands its rows over in batches. */
export function captureRows(conn: Connection, start: () => ResultStream, events: RowEvents, options: RowStreamOptions): RowStream {
  let command: CommandInternals | undefined;
  const subscribe = EventEmitter.prototype.on;
  EventEmitter.prototype.on = function (this: unknown, name, listener) {
    if (name === "fields" && command === undefined && this && typeof this === "object" && "socket" in this) {
      command = this as CommandInternals;
    }
    return subscribe.call(this as EventEmitter, name, listener);
  };
  let stream: ResultStream;
  try {
    stream = start();
  } finally {
    EventEmitter.prototype.on = subscribe;
  }
  const socket = command?.socket;
  const connectorListener = socket?.listeners("data")[0] as DataListener | undefined;
  if (!socket || !connectorListener || socket.listeners("data").length !== 1) {
    throw new Error("mariadb connector internals changed: no command socket with one data listener");
  }

  let chunks = 0;
  let done = false;
  const capture = new RowCapture(
    {
      batch: (payloads, rowCount) => events.batch(payloads, rowCount),
      forward: (packet) => connectorListener(Buffer.from(packet.buffer, packet.byteOffset, packet.length)),
    },
    options.batchRows,
    options.batchBytes,
  );
  const drain = SocketDrain.of(socket);
  const push = (chunk: Uint8Array) => {
    chunks++;
    capture.push(chunk);
  };
  const accepting = () => !done && !capture.paused;
  const route: DataListener = (chunk) => {
    try {
      push(chunk);
      drain?.drain(push, accepting);
    } catch (error) {
      finish();
      events.error(error);
    }
  };
  const finish = () => {
    if (done) return;
    done = true;
    socket.removeListener("data", route);
    socket.on("data", connectorListener);
    capture.release();
  };
  socket.removeListener("data", connectorListener);
  socket.on("data", route);

  stream.on("fields", (fields: FieldInfo[]) => {
    // Inside capture.push(), as the last column definition is forwarded: the next packet is
    // the first row, or an old server's EOF before it.
    capture.startRows(!(conn.info as { eofDeprecated?: boolean } | null)?.eofDeprecated);
    events.columns(fields);
  });
  stream.on("error", (error: unknown) => {
    finish();
    events.error(error);
  });
  stream.on("end", () => {
    finish();
    events.end();
  });
  // Flowing, so that 'end' is emitted. No row reaches the stream: statements without a
  // result set push the connector's OK packet object, which nobody needs.
  stream.resume();

  return {
    pause() {
      capture.pause();
      socket.pause();
    },
    resume() {
      if (capture.resume()) socket.resume();
    },
    get chunks() {
      return chunks;
    },
  };
}
