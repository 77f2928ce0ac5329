// The tests' S3-API server (test/support/s3-server.ts), started before a file's tests and removed
// after; and proxies in front of it that refuse one part or answer slowly. The tests read back from the server's
// files, not through gold-digger's client.
import { afterAll, beforeAll } from "bun:test";
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
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

type Intercept = (req: IncomingMessage, res: ServerResponse, forward: (holdAnswerMs?: number) => void) => void;

/**
 * An HTTP proxy in front of the server on `port`: `intercept` sees each request and answers it
 * itself or calls `forward`, which passes it on untouched, Host included, so signatures hold, and
 * passes the store's answer back, after `holdAnswerMs`.
 */
async function startProxy(port: number, intercept: Intercept): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) =>
    intercept(req, res, (holdAnswerMs = 0) => {
      const upstream = request({ host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        setTimeout(() => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        }, holdAnswerMs);
      });
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A proxy that answers the upload of part `partNumber` (its first `tries`, by default every one;
 * with `keyContains`, only to a key that holds it) with 500 InternalError, and forwards everything else.
 */
export async function startRefusingProxy(port: number, partNumber: number, keyContains = "", tries = Infinity): Promise<{ port: number; refused: number; close(): Promise<void> }> {
  let refused = 0;
  const proxy = await startProxy(port, (req, res, forward) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (req.method !== "PUT" || url.searchParams.get("partNumber") !== String(partNumber) || !decodeURIComponent(url.pathname).includes(keyContains)) return forward();
    if (refused === tries) return forward();
    refused++;
    req.resume();
    res.writeHead(500, { "content-type": "application/xml" });
    res.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>');
  });
  return {
    ...proxy,
    get refused() {
      return refused;
    },
  };
}

/**
 * A proxy that lets the store start each multipart upload but holds back its answer (the upload's
 * id) for `holdMs`: what a slow network does to a client that gives up meanwhile.
 */
export async function startSlowCreateProxy(port: number, holdMs: number): Promise<{ port: number; held: number; close(): Promise<void> }> {
  let held = 0;
  const proxy = await startProxy(port, (req, res, forward) => {
    if (req.method !== "POST" || !new URL(req.url ?? "/", "http://x").searchParams.has("uploads")) return forward();
    held++;
    // The store answers at once; the client hears it only later.
    forward(holdMs);
  });
  return {
    ...proxy,
    get held() {
      return held;
    },
  };
}
