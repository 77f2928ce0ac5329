// Where the hashing thread's module is: in src/ for the same reason as encoder-worker.ts, so that
// one relative URL names it from source and from the compiled binary alike.
export const HASH_WORKER = new URL("./output/hash-thread.ts", import.meta.url).href;
