// Messages between the pool (main thread) and its workers.
import type { EncoderSpec } from "../format/encoder.ts";

export type WorkerRequest =
  | { type: "init"; spec: EncoderSpec }
  | {
      type: "batch";
      id: number;
      payloads: Uint8Array;
      rowCount: number;
      isFirstBatch: boolean;
      /** Results of earlier batches, written since: their memory, back for the encoder to reuse. */
      written: ArrayBuffer[];
    };

/** A batch's output, and its payloads' memory back for the source to reuse (unless the encoder kept it). */
export type WorkerReply = { id: number; bytes: Uint8Array; payloads?: ArrayBuffer } | { id: number; error: string };
