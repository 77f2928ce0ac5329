// Serializers: a pool of worker threads, or the main thread itself (workers = 0).
import { GdError, ExitCode } from "../errors.ts";
import { createBatchProcessor, type ProcessorSpec } from "./batch-processor.ts";
import type { WorkerReply, WorkerRequest } from "./protocol.ts";

export interface Serializer {
  serialize(rows: Uint8Array, rowCount: number, isFirstBatch: boolean): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** workers = 0: serialize on the main thread, synchronously. */
export function inlineSerializer(spec: ProcessorSpec): Serializer {
  const processor = createBatchProcessor(spec);
  return {
    serialize: (rows, rowCount, isFirstBatch) => {
      try {
        return Promise.resolve(processor.batch(rows, rowCount, isFirstBatch));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    close: async () => {},
  };
}

interface Pending {
  resolve: (bytes: Uint8Array) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  dead: boolean;
}

export interface PoolOptions {
  /** Test hook: the worker that gets this batch number crashes on it. */
  crashAtBatch?: number;
}

// In a binary built by `bun build --compile --root src src/main.ts src/pipeline/worker.ts` the worker
// is embedded under a path relative to the entry points' common folder (src/), not beside
// this module as it is when run from source.
const WORKER_ENTRY = import.meta.url.includes("/$bunfs/")
  ? "./pipeline/worker.ts"
  : new URL("./worker.ts", import.meta.url);

/** Bun puts a source excerpt and a stack into the message of a worker's uncaught error. */
function crashReason(event: ErrorEvent): string {
  if (event.error instanceof Error) return event.error.message;
  const thrown = /(?:^|\n)\s*(?:\w*Error|error): (.+)/.exec(event.message ?? "");
  return thrown?.[1]?.trim() ?? (event.message?.split("\n")[0] || "crashed");
}

const workerFailure = (detail: string) => new GdError(ExitCode.Query, `serializer worker failed: ${detail}`);

export function workerPool(spec: ProcessorSpec, size: number, options: PoolOptions = {}): Serializer {
  const slots: Slot[] = [];
  let nextId = 0;

  const kill = (slot: Slot, error: unknown) => {
    if (slot.dead) return;
    slot.dead = true;
    for (const p of slot.pending.values()) p.reject(error);
    slot.pending.clear();
    slot.worker.terminate();
  };

  for (let i = 0; i < size; i++) {
    const worker = new Worker(WORKER_ENTRY);
    const slot: Slot = { worker, pending: new Map(), dead: false };
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      const pending = slot.pending.get(reply.id);
      if (!pending) return;
      slot.pending.delete(reply.id);
      if ("error" in reply) pending.reject(workerFailure(reply.error));
      else pending.resolve(reply.bytes);
    };
    worker.onerror = (event: ErrorEvent) => kill(slot, workerFailure(crashReason(event)));
    worker.addEventListener("close", () => kill(slot, workerFailure("exited unexpectedly")));
    worker.postMessage({ type: "init", spec } satisfies WorkerRequest);
    slots.push(slot);
  }

  return {
    serialize(rows, rowCount, isFirstBatch) {
      const live = slots.filter((s) => !s.dead);
      if (live.length === 0) return Promise.reject(workerFailure("no worker left"));
      // The least busy worker: batches take similar time, so this keeps them all fed.
      let slot = live[0]!;
      for (const s of live) if (s.pending.size < slot.pending.size) slot = s;
      const id = nextId++;
      return new Promise((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        const request: WorkerRequest = {
          type: "batch",
          id,
          rows,
          rowCount,
          isFirstBatch,
          crash: id === options.crashAtBatch,
        };
        slot.worker.postMessage(request, [rows.buffer as ArrayBuffer]);
      });
    },
    async close() {
      for (const slot of slots) {
        slot.dead = true;
        slot.worker.terminate();
      }
    },
  };
}
