// Messages between the pool (main thread) and its workers.
import type { EncoderSpec } from "../format/encoder.ts";

export type WorkerRequest =
  | { type: "init"; spec: EncoderSpec }
  | { type: "batch"; id: number; payloads: Uint8Array; rowCount: number; isFirstBatch: boolean };

export type WorkerReply = { id: number; bytes: Uint8Array } | { id: number; error: string };
