// Where an S3 part's bytes wait (s3-parts.ts) and how a part's body goes over HTTP (s3-http.ts),
// each on its own: slots in the spool file or, where TMPDIR can hold no file, in memory; a part
// body streamed in slices arrives as the very bytes, under the Content-Length it was signed with.
import { afterAll, afterEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { ExitCode, GdError } from "../../src/errors.ts";
import { s3RequestHandler } from "../../src/output/s3-http.ts";
import { partSlots, type PartSlot } from "../../src/output/s3-parts.ts";
import { smallFsDir } from "../support/fs-faults.ts";

const base = mkdtempSync(join(tmpdir(), "gd-s3-parts-"));
const fullFs = smallFsDir(base, "1m");
afterAll(() => {
  if ("cleanup" in fullFs) fullFs.cleanup();
  rmSync(base, { recursive: true, force: true });
});

// partSlots reads TMPDIR when called: each test points it where it needs, and it is put back.
const tmpdirBefore = process.env.TMPDIR;
afterEach(() => {
  if (tmpdirBefore === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = tmpdirBefore;
});

let seed = 7;
const bytes = (n: number) => Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);

/** What a slot's UploadPart fields send, as bytes. */
async function sent(slot: PartSlot, length: number): Promise<Buffer> {
  const { Body } = slot.fields(length);
  return Body instanceof Blob ? Buffer.from(await Body.arrayBuffer()) : Buffer.from(Body);
}

type HttpRequest = Parameters<ReturnType<typeof s3RequestHandler>["handle"]>[0];

const crcBase64 = (data: Uint8Array) => {
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc32(data) >>> 0);
  return sum.toString("base64");
};

test("in the spool file: the bytes put, their CRC32, slots reused by size, and no name in TMPDIR", async () => {
  const dir = join(base, "spool");
  mkdirSync(dir);
  process.env.TMPDIR = dir;
  const slots = partSlots("s3://b/k");
  try {
    expect(slots.spooled).toBe(true);
    const first = slots.take(100);
    const second = slots.take(100);
    const [a, b] = [bytes(100), bytes(60)];
    // Put in two pieces, out of the order a part fills, to show `at` is honoured.
    first.put(a.subarray(40), 40);
    first.put(a.subarray(0, 40), 0);
    second.put(b, 0);
    expect(await sent(first, 100)).toEqual(Buffer.from(a));
    expect(await sent(second, 60)).toEqual(Buffer.from(b));
    expect(second.fields(60)).toMatchObject({ ContentLength: 60, ChecksumCRC32: crcBase64(b) });
    // Read again, as a retried request does, after reads elsewhere in the file.
    expect(await sent(first, 100)).toEqual(Buffer.from(a));
    // A slot given back is taken again for its size, and its checksum starts over when refilled.
    slots.give(first);
    expect(slots.take(100)).toBe(first);
    expect(slots.take(200)).not.toBe(first);
    const c = bytes(100);
    first.put(c, 0);
    expect(first.fields(100)).toMatchObject({ ContentLength: 100, ChecksumCRC32: crcBase64(c) });
    expect(await sent(first, 100)).toEqual(Buffer.from(c));
    expect(await sent(first, 100)).toEqual(Buffer.from(c));
    expect(readdirSync(dir)).toEqual([]);
  } finally {
    slots.close();
    slots.close();
  }
});

test("where TMPDIR can hold no file, the parts wait in memory", async () => {
  process.env.TMPDIR = join(base, "no-such-dir");
  const slots = partSlots("s3://b/k");
  try {
    expect(slots.spooled).toBe(false);
    const slot = slots.take(50);
    const data = bytes(50);
    slot.put(data.subarray(0, 20), 0);
    slot.put(data.subarray(20), 20);
    // A buffer's checksum is the SDK's to compute: none is given, nor a length.
    expect(slot.fields(30)).toEqual({ Body: data.subarray(0, 30) });
    expect(await sent(slot, 50)).toEqual(Buffer.from(data));
    slots.give(slot);
    expect(slots.take(50)).toBe(slot);
  } finally {
    slots.close();
  }
});

test.skipIf("skip" in fullFs)(`a spool file that fills up: exit 5 naming the output and TMPDIR${"skip" in fullFs ? ` (skipped: ${fullFs.skip})` : ""}`, () => {
  if (!("dir" in fullFs)) return;
  process.env.TMPDIR = fullFs.dir;
  const slots = partSlots("s3://b/k.csv");
  try {
    expect(slots.spooled).toBe(true);
    const slot = slots.take(2 << 20);
    let failure: unknown;
    try {
      slot.put(new Uint8Array(2 << 20), 0);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(GdError);
    expect((failure as GdError).exitCode).toBe(ExitCode.Output);
    expect((failure as GdError).message).toBe(`cannot write s3://b/k.csv: its spool file in ${fullFs.dir}: no space left on device`);
  } finally {
    slots.close();
  }
});

test("a part's body, sliced, arrives as the same bytes under the signed Content-Length; again on a retry", async () => {
  const received: { length: string | null; chunked: string | null; body: Buffer }[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const body = Buffer.from(await request.arrayBuffer());
      received.push({ length: request.headers.get("content-length"), chunked: request.headers.get("transfer-encoding"), body });
      return new Response("", { status: 200 });
    },
  });
  try {
    const handler = s3RequestHandler();
    // Slices of 256 KiB and a short last one; and a body small enough to go whole.
    const large = bytes((1 << 20) + 12_345);
    const small = bytes(1000);
    // The request as the SDK hands it over (its HttpRequest class is not ours to import).
    const put = (body: Uint8Array): HttpRequest => ({
      protocol: "http:",
      hostname: "127.0.0.1",
      port: server.port,
      method: "PUT",
      path: "/bucket/key",
      query: {},
      headers: { "content-length": String(body.length) },
      body,
      clone: () => put(body),
    });
    const request = put(large);
    for (const sendThis of [request, request, put(small)]) {
      const { response } = await handler.handle(sendThis);
      expect(response.statusCode).toBe(200);
    }
    expect(received.map((r) => [r.length, r.chunked])).toEqual([
      [String(large.length), null],
      [String(large.length), null],
      [String(small.length), null],
    ]);
    expect(received[0].body.equals(large)).toBe(true);
    expect(received[1].body.equals(large)).toBe(true);
    expect(received[2].body.equals(small)).toBe(true);
  } finally {
    server.stop(true);
  }
});
