// A real S3-API server (s3rver, patched to abort uploads), in its own process on a free port with a
// private directory, stopped by its PID: the tests' store (test/support/s3.ts) and bench's. gold-digger
// writes through the AWS SDK; readers of this server's files do not go through that client.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const BUCKET = "gd-test";
/** The tests' credentials; the secret is long enough for the redaction net to hunt for it. */
export const ACCESS_KEY_ID = "GDTESTACCESSKEY";
export const SECRET_ACCESS_KEY = "gd/Test+Secret-Key-0123456789";

export interface S3Server {
  readonly port: number;
  /** The server's process, whose CPU bench reports beside an S3 export's. */
  readonly pid: number;
  readonly dir: string;
  /** The environment that points gold-digger at this server. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** The object's bytes as the server stored them, or undefined. */
  object(key: string): Buffer | undefined;
  /** Its size in bytes, without reading it. */
  objectSize(key: string): number | undefined;
  /** The keys of the objects under `prefix`, sorted. */
  keys(prefix: string): string[];
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
  const objectFile = (key: string) => join(bucketDir, `${key}._S3rver_object`);
  return {
    port,
    pid: child.pid,
    dir,
    env: (extra = {}) => ({
      AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      ...extra,
    }),
    object: (key) => {
      const file = objectFile(key);
      return existsSync(file) ? readFileSync(file) : undefined;
    },
    objectSize: (key) => {
      const file = objectFile(key);
      return existsSync(file) ? statSync(file).size : undefined;
    },
    keys: (prefix) => {
      const suffix = "._S3rver_object";
      const files = readdirSync(bucketDir, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(suffix));
      return files.map((file) => file.slice(0, -suffix.length)).filter((key) => key.startsWith(prefix)).sort();
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
