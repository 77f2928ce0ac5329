// A real S3-API server for the tests (s3rver, patched to abort uploads), in its own process on a
// free port with a private directory, stopped by its PID. gold-digger writes through the AWS SDK;
// the tests read back from the server's files, not through that client.
import { afterAll, beforeAll } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const BUCKET = "gd-test";
/** The tests' credentials; the secret is long enough for the redaction net to hunt for it. */
export const ACCESS_KEY_ID = "GDTESTACCESSKEY";
export const SECRET_ACCESS_KEY = "gd/Test+Secret-Key-0123456789";

export interface S3Server {
  readonly port: number;
  readonly dir: string;
  /** The environment that points gold-digger at this server. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** The object's bytes as the server stored them, or undefined. */
  object(key: string): Buffer | undefined;
  /** Multipart uploads begun and neither completed nor aborted. */
  openUploads(): string[];
  /** Stops it at once (SIGKILL), as a store that goes away. */
  kill(): void;
  stop(): Promise<void>;
}

const S3RVER_MAIN = join(import.meta.dir, "s3rver-main.ts");

export async function startS3Server(): Promise<S3Server> {
  const dir = mkdtempSync(join(tmpdir(), "gd-s3-"));
  const child = Bun.spawn(["bun", S3RVER_MAIN, ACCESS_KEY_ID, SECRET_ACCESS_KEY, dir, BUCKET], { stdout: "pipe", stderr: "inherit", stdin: "ignore" });
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("s3rver exited before listening");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const port = Number(text.trim());
  // s3rver keeps an object as KEY._S3rver_object and each open upload as a directory here.
  const bucketDir = join(dir, BUCKET);
  const uploadsDir = join(bucketDir, "._S3rver_uploads");
  return {
    port,
    dir,
    env: (extra = {}) => ({
      AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      ...extra,
    }),
    object: (key) => {
      const file = join(bucketDir, `${key}._S3rver_object`);
      return existsSync(file) ? readFileSync(file) : undefined;
    },
    openUploads: () => (existsSync(uploadsDir) ? readdirSync(uploadsDir) : []),
    kill: () => child.kill("SIGKILL"),
    stop: async () => {
      child.kill("SIGKILL");
      await child.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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
 * An HTTP proxy in front of the server that answers the upload of part `partNumber` (every try)
 * with 500 InternalError, and forwards everything else untouched, Host included, so signatures hold.
 */
export async function startRefusingProxy(port: number, partNumber: number): Promise<{ port: number; refused: number; close(): Promise<void> }> {
  let refused = 0;
  const server: Server = createServer((req, res) => {
    const query = new URL(req.url ?? "/", "http://x").searchParams;
    if (req.method === "PUT" && query.get("partNumber") === String(partNumber)) {
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
