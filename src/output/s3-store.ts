// The bucket an export writes to, for whole small objects: whether one is there, its text, a new
// one, the names under a prefix, a removal. Manifests and plans go through here; an export's rows
// stream through s3-sink.ts on the same client. The AWS SDK is loaded only when a store is opened,
// so that exports to files do not pay its start-up.
import { outputError } from "../errors.ts";
import type { S3Target } from "./s3-target.ts";

type Sdk = typeof import("@aws-sdk/client-s3");

interface StoreError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

export const statusOf = (error: unknown) => (error as StoreError).$metadata?.httpStatusCode;

/** The store's error code and message ("AccessDenied: Access Denied"), or the network's. */
export function storeErrorWords(error: unknown): string {
  const { name, code, message } = error as StoreError;
  // A HEAD answer has no body, so no message: the SDK says "UnknownError".
  const what = [code ?? (name === "Error" ? undefined : name), message].filter((part) => part && part !== "UnknownError");
  if (what.length === 0) return `HTTP status ${statusOf(error) ?? "unknown"}`;
  return [...new Set(what)].join(": ");
}

/** Exit 5 with the store's words, naming the object. */
export const storeFailure = (bucket: string, key: string, error: unknown) => outputError(`cannot write s3://${bucket}/${key}: ${storeErrorWords(error)}`);

export interface S3Store {
  readonly sdk: Sdk;
  readonly client: InstanceType<Sdk["S3Client"]>;
  readonly bucket: string;
  /** Whether `key` is there; "not found" is an answer, any other failure is thrown as the SDK's error. */
  exists(key: string, signal?: AbortSignal): Promise<boolean>;
  /** The object's text, or undefined when there is none. */
  getText(key: string, signal?: AbortSignal): Promise<string | undefined>;
  /** Writes a whole object in one request; with `ifAbsent`, a 412 from an object already there is thrown as the SDK's error. */
  putText(key: string, text: string, options?: { ifAbsent?: boolean; signal?: AbortSignal }): Promise<void>;
  /** Every key under `prefix` (S3 lists them in byte order; other stores may not). */
  list(prefix: string, signal?: AbortSignal): Promise<string[]>;
  /** Removes `key`; removing what is not there is no error (S3 answers 204 either way). */
  remove(key: string, signal?: AbortSignal): Promise<void>;
  close(): void;
}

/** A client for the target's bucket, with the credentials and endpoint resolved from the environment. */
export async function openS3Store(target: S3Target): Promise<S3Store> {
  // Loaded here, not with this module: a split export to a directory uses this module but no client.
  const [sdk, { s3RequestHandler }] = await Promise.all([import("@aws-sdk/client-s3"), import("./s3-http.ts")]);
  const client = new sdk.S3Client({
    region: target.region,
    endpoint: target.endpoint,
    forcePathStyle: target.endpoint !== undefined,
    credentials: target.credentials,
    profile: target.profile,
    requestHandler: s3RequestHandler(),
  });
  const Bucket = target.bucket;
  return {
    sdk,
    client,
    bucket: Bucket,
    async exists(Key, signal) {
      try {
        await client.send(new sdk.HeadObjectCommand({ Bucket, Key }), { abortSignal: signal });
        return true;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw error;
      }
    },
    async getText(Key, signal) {
      try {
        const answer = await client.send(new sdk.GetObjectCommand({ Bucket, Key }), { abortSignal: signal });
        return await answer.Body?.transformToString("utf-8");
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },
    async putText(Key, text, options = {}) {
      const put = new sdk.PutObjectCommand({ Bucket, Key, Body: Buffer.from(text), IfNoneMatch: options.ifAbsent ? "*" : undefined });
      await client.send(put, { abortSignal: options.signal });
    },
    async list(Prefix, signal) {
      const keys: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new sdk.ListObjectsV2Command({ Bucket, Prefix, ContinuationToken }), { abortSignal: signal });
        for (const entry of page.Contents ?? []) if (entry.Key !== undefined) keys.push(entry.Key);
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return keys;
    },
    async remove(Key, signal) {
      await client.send(new sdk.DeleteObjectCommand({ Bucket, Key }), { abortSignal: signal });
    },
    close() {
      client.destroy();
    },
  };
}
