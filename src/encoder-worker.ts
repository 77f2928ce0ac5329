// Where the encoding workers' module is. This file sits in src/, and the compiled binary
// (`bun build --compile --root src ...`) gives every bundled module the URL of a file in its root,
// which is src/ too: so one relative URL names the worker from source and from the binary alike.
export const ENCODER_WORKER = new URL("./pipeline/worker.ts", import.meta.url).href;
