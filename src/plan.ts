// The export as data. The command line resolves once into an ExportPlan (cli/plan-export.ts);
// its read request becomes a ReadPlan on the server (source/ranges/read-plan.ts), with the ranges
// resolved. Everything below cli/ works from these, never from flags. Each is plain data that
// serializes to JSON: `--dry-run` prints it, redacted (describePlan).
import type { Compression, Format } from "./formats.ts";
import type { S3Target } from "./output/s3-target.ts";
import type { FileLimits } from "./pipeline/file-split.ts";
import type { DbTarget } from "./source/connection/db-url.ts";
import type { TlsPlan } from "./source/connection/tls.ts";
import type { SplitQuery } from "./source/ranges/split.ts";

/** Where and how to connect: the URL parsed and the CA file read once, for every connection. */
export interface ConnectionPlan {
  target: DbTarget;
  tls: TlsPlan;
  connectTimeoutMs: number;
}

export type Protocol = "binary" | "text";
export type Consistency = "snapshot" | "none";

/** What the query asks of the readers, before the server is asked anything. */
export interface ReadRequest {
  query: string;
  /** With --split-by: the query as ranges of one column can be cut from. */
  split?: SplitQuery;
  /** Connections that read ranges at once. */
  readers: number;
  consistency: Consistency;
  /**
   * binary: the binary protocol wherever a range's columns can be rewritten exactly
   * (wire/row-stream.ts), for a result the server estimates at BINARY_PROTOCOL_MIN_ROWS or more
   * (source/ranges/read-plan.ts); the read plan says which.
   */
  protocol: Protocol;
  batchRows: number;
  /** Longest silence of the server once rows flow; 0 = no limit. */
  readTimeoutMs: number;
  /**
   * Record where the binary log stood at the snapshot the rows are read in (a split output's
   * manifest): only where there is one snapshot, shared by the readers or one query's own.
   */
  binlogPosition: boolean;
}

/** Where the server's binary log stood at a snapshot. */
export interface BinlogPosition {
  file: string;
  position: number;
}

/** One snapshot for every reader, held together by a read lock on these tables. */
export interface SnapshotPlan {
  /** `db`.`table`, as the server names the base tables the query reads. */
  tables: string[];
  /**
   * Tables without transactions (MyISAM, Aria, MEMORY...): a snapshot does not cover them, so
   * their read lock is held until the last range is read. Writers to them wait that long.
   */
  lockedThroughout: string[];
}

/**
 * A part of an export spread over machines joins the snapshot that `gold-digger plan` holds open
 * (source/ranges/barrier.ts) rather than taking the tables' lock itself.
 */
export interface Barrier {
  planId: string;
  part: number;
  /** The plan's connection, which holds the barrier open. */
  holder: number;
  timeoutMs: number;
}

/** The reads, resolved: each range one query, in output order. A plain query is one range. */
export interface ReadPlan extends ReadRequest {
  ranges: string[];
  /** The optimizer's estimate of the query's rows: always for a split query, for a plain one where asked or the protocol depends on it. */
  estimatedRows?: number;
  /** Absent for one range on one connection, which a single statement keeps consistent. */
  snapshot?: SnapshotPlan;
  /** With a snapshot: the plan's, joined, instead of one of the readers' own. */
  barrier?: Barrier;
}

/** Whether the ranges are already resolved (a part's, from its plan file). */
export const isResolved = (read: ReadRequest | ReadPlan): read is ReadPlan => "ranges" in read;

export interface EncodingPlan {
  format: Format;
  compression: Compression;
  pretty: boolean;
  csvNewline: "\r\n" | "\n";
  /** CSV/TSV: the text written for NULL. */
  nullValue?: string;
  /** Parquet: rows per row group. */
  rowGroupRows: number;
  /** Threads that encode batches; 0 encodes on the main thread. */
  workers: number;
  /**
   * The module the worker threads run; unset, the encoder's own (src/encoder-worker.ts). The one
   * place a test puts a worker that misbehaves.
   */
  workerModule?: string;
  /** How many chunks may be in flight or waiting to be written: the backpressure. */
  ringSize: number;
}

export interface OutputPlan {
  /** A file path, "-" for stdout, or an s3:// URL. */
  path: string;
  /** Where an s3:// output goes. */
  s3?: S3Target;
  force: boolean;
  /** With zero rows, write an empty export rather than fail (exit 1). */
  allowEmpty: boolean;
  /** Several files and a manifest (--max-file-rows, --max-file-size); `path` names them (split-names.ts). */
  split?: FileLimits;
}

export interface ExportPlan {
  connection: ConnectionPlan;
  read: ReadRequest;
  encoding: EncodingPlan;
  output: OutputPlan;
}
