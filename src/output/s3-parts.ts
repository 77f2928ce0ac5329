// Where the bytes of an S3 part wait until the store has them: a slot of a spool file, a
// temporary file without a name (O_TMPFILE; elsewhere removed as soon as it is opened), so that
// nothing is left behind even by SIGKILL, or, where no such file can be made (a read-only file
// system), a buffer in memory.
//
// Why a file: part buffers live as long as the export, and the collector lets garbage grow with
// what it finds alive, so every MiB held in memory cost more than a MiB of RSS. In the page cache
// the bytes are the kernel's, reclaimable once written back, and they go out with sendfile(2):
// 10M narrow rows peaked at 95 MB this way against 114 MB with the parts in memory.
import { closeSync, constants, openSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { errnoWords, outputError } from "../errors.ts";

/** One part's place; reused once its upload has ended. */
export interface PartSlot {
  readonly size: number;
  /** Copies `bytes` in at `at` (from the part's start). */
  put(bytes: Uint8Array, at: number): void;
  /** The UploadPart fields that send its first `length` bytes. */
  fields(length: number): { Body: Blob | Uint8Array; ContentLength?: number; ChecksumCRC32?: string };
}

export interface PartSlots {
  /** Whether the parts wait in a spool file, not in memory. */
  readonly spooled: boolean;
  take(size: number): PartSlot;
  /** `slot` may be taken again. */
  give(slot: PartSlot): void;
  /** After the last upload has ended; again is harmless. */
  close(): void;
}

/** The SDK computes a buffer's CRC32 itself (its default checksum); a file's is given with it. */
function memorySlot(size: number): PartSlot {
  const buffer = new Uint8Array(size);
  return {
    size,
    put: (bytes, at) => buffer.set(bytes, at),
    fields: (length) => ({ Body: buffer.subarray(0, length) }),
  };
}

interface Spool {
  fd: number;
  dir: string;
  /** The output, for messages. */
  url: string;
}

function fileSlot({ fd, dir, url }: Spool, offset: number, size: number): PartSlot {
  // Over the bytes put since the slot was last sent: a slot is filled from its start.
  let crc = 0;
  return {
    size,
    put(bytes, at) {
      if (at === 0) crc = 0;
      try {
        for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, offset + at + done);
      } catch (error) {
        throw outputError(`cannot write ${url}: its spool file in ${dir}: ${errnoWords(error)}`);
      }
      crc = crc32(bytes, crc);
    },
    fields(length) {
      const checksum = Buffer.alloc(4);
      checksum.writeUInt32BE(crc >>> 0);
      return { Body: Bun.file(fd).slice(offset, offset + length), ContentLength: length, ChecksumCRC32: checksum.toString("base64") };
    },
  };
}

/**
 * Where the first slot begins: not at 0. The runtime reads a blob of a small file sliced from 0 at
 * the descriptor's position rather than at 0, so a part sent again (a retried request) went out
 * from where its first send ended: empty (a store that does not check the CRC32 kept it so).
 */
const FIRST_SLOT_AT = 1;

/** Linux's O_TMPFILE, which node:fs does not name: a file made in a directory without a name. */
const O_TMPFILE = process.platform === "linux" ? 0o20000000 | constants.O_DIRECTORY : undefined;

/** An open file that no name leads to, or undefined where none can be made. */
function spoolFile(url: string): Spool | undefined {
  const dir = tmpdir();
  if (O_TMPFILE !== undefined) {
    try {
      return { fd: openSync(dir, O_TMPFILE | constants.O_RDWR, 0o600), dir, url };
    } catch {
      // A file system without it: a name, removed at once.
    }
  }
  const path = join(dir, `.gold-digger-s3.${process.pid}.${Date.now().toString(36)}`);
  try {
    const fd = openSync(path, "wx+", 0o600);
    unlinkSync(path);
    return { fd, dir, url };
  } catch {
    return undefined;
  }
}

/** Slots for the parts of the upload to `url`. */
export function partSlots(url: string): PartSlots {
  const spool = spoolFile(url);
  const spare: PartSlot[] = [];
  // Slots of a new size go after the last: parts only grow, so the file holds at most
  // (parts in flight + 1) slots of each size.
  let end = FIRST_SLOT_AT;
  let closed = false;
  return {
    spooled: spool !== undefined,
    take(size) {
      const reuse = spare.findIndex((slot) => slot.size === size);
      if (reuse >= 0) return spare.splice(reuse, 1)[0];
      if (!spool) return memorySlot(size);
      end += size;
      return fileSlot(spool, end - size, size);
    },
    give: (slot) => void spare.push(slot),
    close() {
      // Once: the fd's number may belong to another file afterwards.
      if (spool && !closed) closeSync(spool.fd);
      closed = true;
    },
  };
}
