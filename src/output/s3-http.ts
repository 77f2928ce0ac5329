// How the S3 client's requests go over HTTP: through the runtime's fetch, with a large body (a
// part) handed over as a stream of slices of our own buffer. Given whole, the runtime copies
// every part into fresh memory of its own, which it hands back to the kernel and faults in again
// for the next part: 10M narrow rows to S3 peaked at 150 MB with 52k page faults through node:http,
// against 78 MB and 15k to a file.
import { FetchHttpHandler } from "@smithy/fetch-http-handler";

/** Slices of a streamed body: what the runtime copies at a time. */
const SLICE_BYTES = 256 << 10;

/** A fresh stream over `body` for each try: a retried part is read from its buffer again. */
function sliced(body: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= body.length) return controller.close();
      controller.enqueue(body.subarray(offset, offset + SLICE_BYTES));
      offset += SLICE_BYTES;
    },
  });
}

export function s3RequestHandler(): FetchHttpHandler {
  return new FetchHttpHandler({
    // The signed Content-Length stays: the runtime sends the stream's bytes under it.
    requestInit: ({ body }) => (body instanceof Uint8Array && body.length > SLICE_BYTES ? { body: sliced(body) } : {}),
  });
}
