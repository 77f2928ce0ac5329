// The tests' S3-API server (test/support/s3-server.ts), started before a file's tests and removed
// after; and a proxy in front of it that refuses one part. The tests read back from the server's
// files, not through gold-digger's client.
import { afterAll, beforeAll } from "bun:test";
import { createServer, request, type Server } from "node:http";
import { startS3Server, type S3Server } from "./s3-server.ts";

export { ACCESS_KEY_ID, BUCKET, SECRET_ACCESS_KEY, startS3Server, type S3Server } from "./s3-server.ts";

/** Starts an S3 server before the file's tests and removes it after. */
export function useS3Server(): () => S3Server {
  let server: S3Server | undefined;
  beforeAll(async () => {
    server = await startS3Server();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error("S3 server not started yet");
    return server;
  };
}

/**
 * An HTTP proxy in front of the server that answers the upload of part `partNumber` (every try;
 * with `keyContains`, only to a key that holds it) with 500 InternalError, and forwards everything
 * else untouched, Host included, so signatures hold.
 */
export async function startRefusingProxy(port: number, partNumber: number, keyContains = ""): Promise<{ port: number; refused: number; close(): Promise<void> }> {
  let refused = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (req.method === "PUT" && url.searchParams.get("partNumber") === String(partNumber) && decodeURIComponent(url.pathname).includes(keyContains)) {
      refused++;
      req.resume();
      res.writeHead(500, { "content-type": "application/xml" });
      res.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>');
      return;
    }
    const upstream = request({ host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    get refused() {
      return refused;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
