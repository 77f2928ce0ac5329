// SHA-256 of a split export's files on a thread of its own. On the main thread, in the path every
// row takes, hashing cost ~0.19 s per 200 MB of wide rows, a quarter of that thread's work; here
// the main thread pays a copy into a shared ring (~0.03 s). The chunk cannot be lent as it is: its
// memory is reused once it is written. Positions are shared through memory (Atomics), which the
// thread looks at every millisecond or so: a postMessage per chunk, or an Atomics.notify to wake
// it, cost the main thread as much as the hashing did.
import { HASH_WORKER } from "../hash-worker.ts";

/** Room for a few encoded batches; the thread, hashing ~1 GB/s, empties it in a few milliseconds. */
export const RING_BYTES = 4 << 20;
/**
 * How often the thread looks for bytes to hash: every millisecond while they come, backing off to
 * 8 ms while none do. The ring holds 8 ms of output at 500 MB/s, faster than exports run here,
 * so the main thread finds room without waiting.
 */
export const POLL_MIN_MS = 1;
export const POLL_MAX_MS = 8;
/** Where the main thread has written up to, and the thread hashed up to, in the control words. */
export const HEAD = 0;
export const TAIL = 1;

export type HashRequest = "digest" | { ring: SharedArrayBuffer; control: SharedArrayBuffer };

export interface BackgroundHasher {
  update(chunk: Uint8Array): Promise<void>;
  /** The sum of the bytes given since the last digest(); the next file starts. */
  digest(): Promise<string>;
  close(): void;
}

export function startHashing(): BackgroundHasher {
  const shared = { ring: new SharedArrayBuffer(RING_BYTES), control: new SharedArrayBuffer(8) };
  const ring = new Uint8Array(shared.ring);
  const control = new Int32Array(shared.control);
  const thread = new Worker(HASH_WORKER);
  thread.unref();
  thread.postMessage(shared satisfies HashRequest);
  let head = 0;
  // A digest asked for: the next file's bytes wait for it, or the thread would hash them into this sum.
  let summing: Promise<unknown> | undefined;
  let failure: Error | undefined;
  const sums: { resolve: (sha256: string) => void; reject: (error: Error) => void }[] = [];

  thread.onmessage = ({ data }: MessageEvent<string>) => sums.shift()?.resolve(data);
  thread.onerror = (event) => {
    failure = new Error(`the hashing thread failed: ${event.message}`);
    for (const sum of sums.splice(0)) sum.reject(failure);
    // Wakes an update() waiting for room that will never come.
    Atomics.notify(control, TAIL);
  };
  const check = () => {
    if (failure) throw failure;
  };
  const used = (tail: number) => (head - tail + 2 * RING_BYTES) % (2 * RING_BYTES);

  return {
    async update(chunk) {
      await summing;
      for (let offset = 0; offset < chunk.length; ) {
        let tail = Atomics.load(control, TAIL);
        while (used(tail) === RING_BYTES) {
          check();
          const waiting = Atomics.waitAsync(control, TAIL, tail);
          if (waiting.async) await waiting.value;
          tail = Atomics.load(control, TAIL);
        }
        check();
        const at = head % RING_BYTES;
        const take = Math.min(chunk.length - offset, RING_BYTES - at, RING_BYTES - used(tail));
        ring.set(chunk.subarray(offset, offset + take), at);
        head = (head + take) % (2 * RING_BYTES);
        offset += take;
        Atomics.store(control, HEAD, head);
      }
    },
    digest() {
      check();
      thread.postMessage("digest" satisfies HashRequest);
      const sum = new Promise<string>((resolve, reject) => sums.push({ resolve, reject }));
      summing = sum.catch(() => {});
      return sum;
    },
    close() {
      void thread.terminate();
    },
  };
}
