// An export as an S3 object (`-o s3://BUCKET/KEY`): a multipart upload fed from the ring part by
// part, completed only after the last byte and aborted on any failure or signal, so the object
// appears only when complete. The client is the AWS SDK (s3-store.ts), loaded only for an s3:// output:
// Bun's own S3 writer cannot abort an upload (its end(error) completes it).
import { configError, GdError, outputError } from "../errors.ts";
import { partSlots, type PartSlot } from "./s3-parts.ts";
import { openS3Store, statusOf, storeFailure } from "./s3-store.ts";
import type { S3Target } from "./s3-target.ts";
import type { Sink } from "./sink.ts";
import { within } from "./within.ts";

const MiB = 1 << 20;
/** S3 numbers parts from 1 to 10,000. */
const MAX_PARTS = 10_000;
/**
 * The first parts' size. Every part is a request, whose work in the SDK (and the compiler's on
 * it) came to ~8 ms of CPU: 16 MiB parts took 0.2 CPU-s less than 5 MiB ones per 200 MB. In the
 * spool file a part costs no memory; held in memory (no spool file), parts are S3's smallest,
 * since held buffers let the collector's garbage grow beside them (see s3-parts.ts).
 */
const FIRST_PART_SIZE = { spooled: 16 * MiB, inMemory: 5 * MiB };
const PARTS_PER_SIZE = 2_000;
/** Parts uploading at once, while the next one fills: (this + 1) parts are held. */
export const PARTS_IN_FLIGHT = 2;
/** How long an abort may wait for the store: a signal must still end the export. */
const ABORT_TIMEOUT_MS = 10_000;

/**
 * The size of part `n` (from 1): `first` for the first 2,000 parts, then doubling every 2,000, so
 * that 10,000 parts hold 300 GiB even from 5 MiB while small exports hold little: 5 MiB parts are
 * 15 MiB held up to 9.8 GiB, 240 MiB at the very end.
 */
export function partSize(n: number, first: number): number {
  return first * 2 ** Math.floor((n - 1) / PARTS_PER_SIZE);
}

/** What 10,000 parts hold, in GiB. */
const maxObjectGiB = (first: number) => (first * PARTS_PER_SIZE * (2 ** (MAX_PARTS / PARTS_PER_SIZE) - 1)) / (1024 * MiB);

/**
 * Signs a part's request without hashing its body: the store checks the body against the CRC32
 * that the SDK sends in a signed header instead. SHA-256 over every byte took 0.2 CPU-s of the
 * export's thread per 200 MB here.
 */
const unsignedPayload =
  <Args extends { request: unknown }, Output>(next: (args: Args) => Promise<Output>) =>
  (args: Args) => {
    (args.request as { headers: Record<string, string> }).headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
    return next(args);
  };

export async function openS3Sink(target: S3Target, force: boolean, signal?: AbortSignal): Promise<Sink> {
  const url = `s3://${target.bucket}/${target.key}`;
  const failure = (error: unknown) => storeFailure(target.bucket, target.key, error);
  const store = await openS3Store(target);
  const { sdk, client } = store;
  const { bucket: Bucket, key: Key } = target;
  const abortUpload = (UploadId: string) =>
    client.send(new sdk.AbortMultipartUploadCommand({ Bucket, Key, UploadId }), { abortSignal: AbortSignal.timeout(ABORT_TIMEOUT_MS) }).then(
      () => {},
      // Nothing more can be done from here: the parts stay invisible until the bucket's lifecycle rule or a later abort removes them.
      () => {},
    );
  /**
   * The upload's id. The request is not cancelled by the signal: the store may have made the
   * upload already, and an id never read would leave it open. A signal meanwhile waits for the
   * answer (as long as an abort may) and aborts the upload it names, then ends the export.
   */
  const createUpload = async (): Promise<string | undefined> => {
    const creating = client.send(new sdk.CreateMultipartUploadCommand({ Bucket, Key }));
    if (!signal) return (await creating).UploadId;
    const { promise: aborted, resolve } = Promise.withResolvers<"aborted">();
    const onAbort = () => resolve("aborted");
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    try {
      const first = await Promise.race([creating, aborted]);
      if (first !== "aborted") return first.UploadId;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    const late = await within(creating.catch(() => undefined), ABORT_TIMEOUT_MS);
    if (late?.UploadId) await abortUpload(late.UploadId);
    throw signal.reason;
  };
  let UploadId: string | undefined;
  try {
    if (!force && (await store.exists(Key, signal))) {
      throw configError(`output ${url} exists; use --force to overwrite it`);
    }
    // Made now, before the database is asked anything: a missing bucket or a refusal shows here.
    UploadId = await createUpload();
  } catch (error) {
    client.destroy();
    if (signal?.aborted) throw signal.reason;
    throw error instanceof GdError ? error : failure(error);
  }

  // Cancels the parts still uploading when the export is given up.
  const requests = new AbortController();
  const parts: { PartNumber: number; ETag?: string }[] = [];
  const uploading = new Set<Promise<void>>();
  let failed: GdError | undefined;
  // Reused once a part's upload has ended: memory, or the spool file, stays bounded by
  // the parts in flight whatever the object's size.
  const slots = partSlots(url);
  const firstPartSize = slots.spooled ? FIRST_PART_SIZE.spooled : FIRST_PART_SIZE.inMemory;
  const slotFor = (n: number) => slots.take(partSize(n, firstPartSize));
  let part = slotFor(1);
  let filled = 0;
  let partNumber = 0;
  let finished = false;

  const check = () => {
    if (failed) throw failed;
  };
  const room = async (limit: number) => {
    while (uploading.size > limit) await Promise.race(uploading);
  };
  const upload = (slot: PartSlot, length = slot.size) => {
    const PartNumber = ++partNumber;
    if (PartNumber > MAX_PARTS) {
      throw outputError(`cannot write ${url}: the export is larger than ${maxObjectGiB(firstPartSize)} GiB, the most ${MAX_PARTS} parts hold here`);
    }
    const command = new sdk.UploadPartCommand({ Bucket, Key, UploadId, PartNumber, ...slot.fields(length) });
    command.middlewareStack.add(unsignedPayload, { step: "build" });
    const sending: Promise<void> = client
      .send(command, { abortSignal: requests.signal })
      .then(
        ({ ETag }) => void parts.push({ PartNumber, ETag }),
        (error) => void (failed ??= failure(error)),
      )
      .then(() => {
        uploading.delete(sending);
        slots.give(slot);
      });
    uploading.add(sending);
  };

  return {
    async write(chunk) {
      check();
      for (let offset = 0; offset < chunk.length; ) {
        const take = Math.min(part.size - filled, chunk.length - offset);
        part.put(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled < part.size) break;
        // The ring waits here while the store is slower than the export: the backpressure.
        await room(PARTS_IN_FLIGHT - 1);
        check();
        upload(part);
        part = slotFor(partNumber + 1);
        filled = 0;
      }
    },
    async commit() {
      check();
      // An empty export is one empty part: S3 completes no upload without a part.
      if (filled > 0 || partNumber === 0) upload(part, filled);
      await room(0);
      slots.close();
      check();
      parts.sort((a, b) => a.PartNumber - b.PartNumber);
      try {
        // Without --force, an object that appeared during the export is not replaced (S3's conditional write).
        const complete = new sdk.CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts }, IfNoneMatch: force ? undefined : "*" });
        await client.send(complete, { abortSignal: requests.signal });
      } catch (error) {
        if (statusOf(error) === 412) throw configError(`output ${url} appeared during the export and was left untouched; use --force to overwrite it`);
        throw failure(error);
      }
      finished = true;
      client.destroy();
    },
    async abort() {
      if (finished) return;
      finished = true;
      requests.abort();
      await room(0);
      slots.close();
      if (UploadId) await abortUpload(UploadId);
      client.destroy();
    },
  };
}

