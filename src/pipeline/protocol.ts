// Messages between the pool (main thread) and its workers.
import type { ProcessorSpec } from "./batch-processor.ts";

export type WorkerRequest =
  | { type: "init"; spec: ProcessorSpec }
  | { type: "batch"; id: number; rows: Uint8Array; rowCount: number; isFirstBatch: boolean; crash?: boolean };

export type WorkerReply = { id: number; bytes: Uint8Array } | { id: number; error: string };
