// The resolved configuration of one export: what the CLI hands to the exporter.
import type { Compression, Format } from "./formats.ts";
import type { ResolvedConnection } from "./cli/connection-target.ts";
import type { S3Target } from "./output/s3-target.ts";
import type { FileLimits } from "./pipeline/file-split.ts";
import type { TlsChoice, TlsMode } from "./source/connection/tls.ts";

export type { Compression, Format, TlsMode };

export interface ExportConfig {
  /** The database URL as given, if any (may hold a password: never print it, use redactUrl). */
  dbUrl?: string;
  /** The URL and the option files, resolved (holds the password: print describeConnection). */
  connection: ResolvedConnection;
  query: string;
  /** Output path, "-" for stdout, or an s3:// URL. */
  output: string;
  /** Where an s3:// output goes. */
  s3?: S3Target;
  format: Format;
  compression: Compression;
  pretty: boolean;
  allowEmpty: boolean;
  force: boolean;
  /** --max-file-rows, --max-file-size: split the output. */
  split?: FileLimits;
  /** 0 = serialize on the main thread. */
  workers: number;
  batchRows: number;
  /** How many batches may be in flight or waiting to be written. */
  ringSize: number;
  csvNewline: "\r\n" | "\n";
  /** CSV/TSV: the text written for NULL (--null-value). */
  nullValue?: string;
  /** Parquet: rows per row group. */
  rowGroupRows: number;
  tls: TlsChoice;
  connectTimeoutMs: number;
  /** Longest silence on the socket while the query runs before giving up. */
  readTimeoutMs: number;
  /** Read in ranges of this column (--split-by). */
  splitBy?: string;
  /** Connections reading ranges at once. */
  parallel: number;
  /** One snapshot for all readers, or none. */
  consistency: "snapshot" | "none";
  verbosity: number;
  quiet: boolean;
  progress: boolean;
}
