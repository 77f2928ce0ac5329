// Worker thread entry: turns batches of row payloads into output bytes and transfers them back.
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
    const bytes = encoder.batch(msg.payloads, msg.rowCount, msg.isFirstBatch);
    reply = { id: msg.id, bytes };
    self.postMessage(reply, [bytes.buffer]);
  } catch (error) {
    reply = { id: msg.id, error: error instanceof Error ? error.message : String(error) };
    self.postMessage(reply);
  }
};
