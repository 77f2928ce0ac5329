// The split files' sums, taken on the hashing thread: equal to node:crypto's over the same bytes,
// whatever the chunks' sizes against the ring's, file after file, the next file's bytes given before
// the last one's sum is back.
import { expect, test } from "bun:test";
import { RING_BYTES, startHashing } from "../../src/output/background-hash.ts";
import { sha256 } from "../support/split-set.ts";

test("sums of files given in chunks smaller than, equal to and larger than the ring", async () => {
  const hasher = startHashing();
  try {
    // Sizes that wrap the ring at odd places, chunks that fill it more than once, an empty file.
    const files = [[1, 7, RING_BYTES - 3, 5], [], [RING_BYTES], [3 * RING_BYTES + 11, 700_000, 13]];
    let seed = 1;
    // Made first, so that the files follow each other as closely as in an export.
    const made = files.map((sizes) => sizes.map((size) => Uint8Array.from({ length: size }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24)));
    const sums: [Promise<string>, string][] = [];
    for (const chunks of made) {
      const want = sha256(Buffer.concat(chunks));
      for (const chunk of chunks) {
        await hasher.update(chunk);
        // The chunk's memory is the caller's again once update() resolves.
        chunk.fill(0);
      }
      // Not awaited: the next file's bytes come while this sum is being taken, as in an export.
      sums.push([hasher.digest(), want]);
    }
    for (const [sum, want] of sums) expect(await sum).toBe(want);
  } finally {
    hasher.close();
  }
});
