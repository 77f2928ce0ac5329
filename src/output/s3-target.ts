// Where an `s3://BUCKET/KEY` output goes and with which credentials, read from the environment as
// the AWS tools read it. Plain data, resolved with the rest of the configuration (exit 2 for
// anything malformed); the client that writes it is loaded only when an export runs (s3-sink.ts).
import { configError } from "../errors.ts";

export const S3_SCHEME = "s3://";

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3Target {
  bucket: string;
  key: string;
  region: string;
  /** Another store than AWS (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL), addressed path-style. */
  endpoint?: string;
  /** AWS_PROFILE: its section of the shared credentials and config files. */
  profile?: string;
  /**
   * Keys from the environment; without them the SDK's own chain finds them (the profile files,
   * a web identity token, the container's or instance's role).
   */
  credentials?: S3Credentials;
}

/** The environment variables read here. */
export const S3_ENV = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_REGION",
  "AWS_PROFILE",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_S3",
] as const;

export const isS3 = (path: string) => path.startsWith(S3_SCHEME);

/** S3's rules for a bucket name created today: 3-63 of a-z, 0-9, '.', '-', starting and ending with a letter or digit. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** S3 refuses longer keys (KeyTooLongError), only after the whole export has been uploaded. */
const MAX_KEY_BYTES = 1024;

function parseS3Url(url: string): { bucket: string; key: string } {
  const rest = url.slice(S3_SCHEME.length);
  const slash = rest.indexOf("/");
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? "" : rest.slice(slash + 1);
  if (!BUCKET_NAME.test(bucket)) {
    throw configError(`bad output ${url}: '${bucket}' is not a bucket name (3 to 63 of a-z, 0-9, '.' and '-'); write s3://BUCKET/KEY`);
  }
  if (!key || key.endsWith("/")) throw configError(`bad output ${url}: no object name after the bucket; write s3://BUCKET/KEY`);
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw configError(`bad output ${url}: the key is longer than S3's ${MAX_KEY_BYTES} bytes`);
  return { bucket, key };
}

function endpointOf(env: Record<string, string | undefined>): string | undefined {
  const name = env.AWS_ENDPOINT_URL_S3 ? "AWS_ENDPOINT_URL_S3" : "AWS_ENDPOINT_URL";
  const value = env[name];
  if (!value) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // Reported below.
  }
  if (url?.protocol !== "http:" && url?.protocol !== "https:") throw configError(`${name} must be an http:// or https:// URL, got '${value}'`);
  return value;
}

function credentialsOf(env: Record<string, string | undefined>): S3Credentials | undefined {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!accessKeyId && !secretAccessKey) return undefined;
  // One without the other is a slip that the SDK would answer by trying other credentials in silence.
  if (!accessKeyId || !secretAccessKey) {
    throw configError(`${accessKeyId ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY"} is set without ${accessKeyId ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID"}: set both, or neither`);
  }
  return { accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined };
}

/** Where an output goes when it is an s3:// URL; undefined for a file or stdout. */
export const s3TargetOf = (output: string, env: Record<string, string | undefined>): S3Target | undefined =>
  isS3(output) ? resolveS3Target(output, env) : undefined;

/** The object `url` names and how to reach it. */
export function resolveS3Target(url: string, env: Record<string, string | undefined>): S3Target {
  return {
    ...parseS3Url(url),
    region: env.AWS_REGION || "us-east-1",
    endpoint: endpointOf(env),
    profile: env.AWS_PROFILE || undefined,
    credentials: credentialsOf(env),
  };
}
