// Worker thread entry: turns batches of row payloads into output bytes and transfers them back,
// with the payloads' memory. Memory moves, it is never copied: the output's comes back once it is
// written, and the payloads' is filled with rows again.
import { createEncoder, type Encoder } from "../format/encoder.ts";
import type { WorkerReply, WorkerRequest } from "./protocol.ts";

declare const self: Worker;

let encoder: Encoder | undefined;

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const msg = event.data;
  if (msg.type === "init") {
    encoder = createEncoder(msg.spec);
    return;
  }
  let reply: WorkerReply;
  try {
    if (!encoder) throw new Error("worker used before init");
    for (const buffer of msg.written) encoder.recycle(new Uint8Array(buffer));
    const bytes = encoder.batch(msg.payloads, msg.rowCount, msg.isFirstBatch);
    // An encoder that keeps the rows (Parquet, until its row group is full) took their memory.
    const payloads = msg.payloads.buffer as ArrayBuffer;
    reply = payloads.detached ? { id: msg.id, bytes } : { id: msg.id, bytes, payloads };
    self.postMessage(reply, payloads.detached ? [bytes.buffer] : [bytes.buffer, payloads]);
  } catch (error) {
    reply = { id: msg.id, error: error instanceof Error ? error.message : String(error) };
    self.postMessage(reply);
  }
};
