// Worker thread entry: turns raw row batches into output bytes and transfers them back.
import { createBatchProcessor, type BatchProcessor } from "./batch-processor.ts";
import type { WorkerRequest, WorkerReply } from "./protocol.ts";

declare const self: Worker;

let processor: BatchProcessor | undefined;

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const msg = event.data;
  if (msg.type === "init") {
    processor = createBatchProcessor(msg.spec);
    return;
  }
  // An uncaught throw, like a real crash: the pool must notice the dead worker.
  if (msg.crash) throw new Error("injected worker fault (GOLD_DIGGER_FAULT=worker-crash)");
  let reply: WorkerReply;
  try {
    if (!processor) throw new Error("worker used before init");
    const bytes = processor.batch(msg.rows, msg.rowCount, msg.isFirstBatch);
    reply = { id: msg.id, bytes };
    self.postMessage(reply, [bytes.buffer as ArrayBuffer]);
  } catch (error) {
    reply = { id: msg.id, error: error instanceof Error ? error.message : String(error) };
    self.postMessage(reply);
  }
};
