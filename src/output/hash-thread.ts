// Hashing thread entry (background-hash.ts): SHA-256 over the bytes the main thread copies into a
// shared ring, file after file. It looks for what has come in, hashes it, moves the ring's tail
// after it so the room is reused, and answers "digest" with the sum of the file's bytes once it
// has hashed all of them. It looks rather than being woken: waking it (Atomics.notify) cost the
// main thread as much as hashing there did.
import { HEAD, POLL_MAX_MS, POLL_MIN_MS, RING_BYTES, TAIL, type HashRequest } from "./background-hash.ts";

declare const self: Worker;

let control: Int32Array;
let ring: Uint8Array;
let tail = 0;
let hasher = new Bun.CryptoHasher("sha256");

/**
 * Hashes up to the head as the main thread left it, and says whether there was anything.
 * Positions run modulo twice the ring, so a full ring is told from an empty one.
 */
function drain(): boolean {
  const head = Atomics.load(control, HEAD);
  if (tail === head) return false;
  while (tail !== head) {
    const at = tail % RING_BYTES;
    const end = Math.min(RING_BYTES, at + ((head - tail + 2 * RING_BYTES) % (2 * RING_BYTES)));
    hasher.update(ring.subarray(at, end));
    tail = (tail + end - at) % (2 * RING_BYTES);
  }
  Atomics.store(control, TAIL, tail);
  Atomics.notify(control, TAIL);
  return true;
}

/** Every millisecond while bytes come, less often while none do (a query computing, a slow output). */
function poll(pause: number): void {
  const next = drain() ? POLL_MIN_MS : Math.min(2 * pause, POLL_MAX_MS);
  setTimeout(() => poll(next), next);
}

self.onmessage = ({ data }: MessageEvent<HashRequest>) => {
  if (data === "digest") {
    drain();
    self.postMessage(hasher.digest("hex"));
    hasher = new Bun.CryptoHasher("sha256");
    return;
  }
  ring = new Uint8Array(data.ring);
  control = new Int32Array(data.control);
  poll(POLL_MIN_MS);
};
