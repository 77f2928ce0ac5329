// A pool of worker threads that encode batches. The main thread keeps the encoder for the
// header and footer; workers only see batches, which move there and back without a copy.
import { ENCODER_WORKER } from "../encoder-worker.ts";
import { ExitCode, GdError } from "../errors.ts";
import { spareBuffers } from "../format/buffer-pool.ts";
import type { EncoderSpec } from "../format/encoder.ts";
import type { WorkerReply, WorkerRequest } from "./protocol.ts";

export interface WorkerPool {
  batch(payloads: Uint8Array<ArrayBuffer>, rowCount: number, isFirstBatch: boolean): Promise<Uint8Array>;
  /** A batch's result is written: its memory goes back to a worker with the next batch. */
  recycle(chunk: Uint8Array): void;
  /** Stops the threads; a batch still pending is rejected. */
  close(): void;
}

interface Pending {
  resolve: (bytes: Uint8Array) => void;
  reject: (error: unknown) => void;
}

interface PoolWorker {
  thread: Worker;
  pending: Map<number, Pending>;
  dead: boolean;
}

/** Bun puts a source excerpt and a stack into the message of a worker's uncaught error. */
function crashReason(event: ErrorEvent): string {
  if (event.error instanceof Error) return event.error.message;
  const thrown = /(?:^|\n)\s*(?:\w*Error|error): (.+)/.exec(event.message ?? "");
  return thrown?.[1]?.trim() ?? (event.message?.split("\n")[0] || "crashed");
}

const workerFailure = (detail: string) => new GdError(ExitCode.Query, `serializer worker failed: ${detail}`);

/** `size` threads running `module` (in tests, one that misbehaves). */
export function workerPool(spec: EncoderSpec, size: number, module: string = ENCODER_WORKER): WorkerPool {
  const workers: PoolWorker[] = [];
  let nextId = 0;
  let written: ArrayBuffer[] = [];

  const kill = (worker: PoolWorker, error: unknown) => {
    if (worker.dead) return;
    worker.dead = true;
    for (const p of worker.pending.values()) p.reject(error);
    worker.pending.clear();
    worker.thread.terminate();
  };

  for (let i = 0; i < size; i++) {
    const worker: PoolWorker = { thread: new Worker(module), pending: new Map(), dead: false };
    worker.thread.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      const pending = worker.pending.get(reply.id);
      if (!pending) return;
      worker.pending.delete(reply.id);
      if ("error" in reply) pending.reject(workerFailure(reply.error));
      else {
        if (reply.payloads) spareBuffers.give(reply.payloads);
        pending.resolve(reply.bytes);
      }
    };
    worker.thread.onerror = (event: ErrorEvent) => kill(worker, workerFailure(crashReason(event)));
    worker.thread.addEventListener("close", () => kill(worker, workerFailure("exited unexpectedly")));
    worker.thread.postMessage({ type: "init", spec } satisfies WorkerRequest);
    workers.push(worker);
  }

  return {
    batch(payloads, rowCount, isFirstBatch) {
      const live = workers.filter((w) => !w.dead);
      if (live.length === 0) return Promise.reject(workerFailure("no worker left"));
      // The least busy worker: batches take similar time, so this keeps them all fed.
      let worker = live[0];
      for (const w of live) if (w.pending.size < worker.pending.size) worker = w;
      const id = nextId++;
      const recycled = written;
      written = [];
      return new Promise((resolve, reject) => {
        worker.pending.set(id, { resolve, reject });
        const request: WorkerRequest = { type: "batch", id, payloads, rowCount, isFirstBatch, written: recycled };
        worker.thread.postMessage(request, [payloads.buffer, ...recycled]);
      });
    },
    recycle(chunk) {
      if (chunk.buffer instanceof ArrayBuffer && !chunk.buffer.detached) written.push(chunk.buffer);
    },
    close() {
      for (const worker of workers) kill(worker, workerFailure("closed with batches still pending"));
    },
  };
}
