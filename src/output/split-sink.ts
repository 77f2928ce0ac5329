// A split export's output: a sequence of files, each written as openSink writes one, then a
// manifest that lists them. A file commits (its flush and rename, or its upload's last part and
// completion) while the next one is written, so that the export does not wait for it; the
// manifest is the commit point, written only once every file has committed, and a failed export
// leaves none (and removes the files it had committed, which no reader could tell from a
// complete set). Files and manifest go to a directory or a bucket alike (split-place.ts).
import type { BinlogPosition, OutputPlan } from "../plan.ts";
import { startHashing } from "./background-hash.ts";
import { jsonText } from "./manifest.ts";
import { writeWhole, type Sink } from "./sink.ts";
import { fileName, manifestPath, partPath, partTemplate } from "./split-names.ts";
import { openSetPlace } from "./split-place.ts";
import { within } from "./within.ts";

export interface PartRecord {
  name: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** What the manifest says besides the files, known only once the export has run. */
export interface ManifestHead {
  version: string;
  query: string;
  /** In all files together. */
  rows: number;
  /** The type is absent only for a column the server did not describe. */
  columns: { name: string; type?: string }[];
  binlog?: BinlogPosition;
}

export interface SplitSink extends Sink {
  /** Ends the current file (committed in the background) and opens the next; `rows` is how many the current one holds. */
  rotate(rows: number): Promise<void>;
  /** What the manifest says besides the files: given before commit(), which writes it. */
  describe(head: ManifestHead): void;
}

/** How long a failed export waits for a file still committing before it removes the set: a signal must still end the export. */
const COMMIT_WAIT_MS = 10_000;

/** A file whose commit runs while the next is written. */
interface Committing {
  path: string;
  sink: Sink;
  /** Settles when the commit does; never rejects (the failure is `failed`). */
  done: Promise<void>;
  failed?: unknown;
}

export async function openSplitSink(output: OutputPlan, signal?: AbortSignal): Promise<SplitSink> {
  const template = partTemplate(output.path);
  const manifest = manifestPath(template);
  const place = await openSetPlace(output, template);
  try {
    if (!output.force) await place.refuseExisting(template, manifest, signal);
  } catch (error) {
    place.close();
    throw error;
  }
  // The files ended so far, their sums still being taken on the hashing thread.
  const ended: (Omit<PartRecord, "sha256"> & { sha256: Promise<string> })[] = [];
  // Only the paths: the files whose commit succeeded, to remove if the export fails.
  const published: string[] = [];
  let committing: Committing | undefined;
  // The next file being opened by a rotation: abort() waits for it, so that it is dropped too.
  let opening: Promise<void> | undefined;
  let index = 0;
  let path = partPath(template, index);
  // Undefined between a file's end and the next one's opening.
  let current: Sink | undefined;
  try {
    current = await place.open(path, signal);
  } catch (error) {
    place.close();
    throw error;
  }
  const hasher = startHashing();
  let bytes = 0;
  let head: ManifestHead | undefined;
  let finished = false;

  /** Waits for the file committing, if any, and throws its failure. */
  const settle = async () => {
    const previous = committing;
    if (!previous) return;
    await previous.done;
    committing = undefined;
    if (previous.failed !== undefined) {
      // Its temp file or upload is dropped now; the export's abort() removes the rest of the set.
      await previous.sink.abort();
      throw previous.failed;
    }
  };

  /**
   * The export failed meanwhile (abort() runs while a rotation waits): the file abort() dropped
   * must not be committed, nor a new one left open.
   */
  const stillOpen = () => {
    if (finished) throw new Error("the split output was aborted during a rotation");
  };

  /** Records the current file and starts its commit; one commits at a time, so memory holds two files' buffers at most. */
  const endCurrent = async (rows: number) => {
    await settle();
    stillOpen();
    const sha256 = hasher.digest();
    // Awaited only by the manifest: a failure before then must not go unhandled.
    sha256.catch(() => {});
    ended.push({ name: fileName(path), rows, bytes, sha256 });
    const ending: Committing = { path, sink: current!, done: Promise.resolve() };
    current = undefined;
    ending.done = ending.sink.commit().then(
      () => void published.push(ending.path),
      (error) => void (ending.failed = error),
    );
    committing = ending;
    bytes = 0;
  };

  return {
    async write(chunk) {
      // A file that failed to commit ends the export now, not at the next rotation.
      if (committing?.failed !== undefined) await settle();
      await current!.write(chunk);
      await hasher.update(chunk);
      bytes += chunk.length;
    },
    async rotate(rows) {
      await endCurrent(rows);
      path = partPath(template, ++index);
      // Without the signal: an upload's creation cut short by it might still be made on the store,
      // with no id to abort it by. Opened, it is dropped here if the export failed meanwhile.
      const next = (async () => {
        const sink = await place.open(path);
        if (finished) await sink.abort();
        return sink;
      })();
      opening = next.then(
        () => {},
        () => {},
      );
      const opened = await next;
      opening = undefined;
      stillOpen();
      current = opened;
    },
    describe(described) {
      head = described;
    },
    async commit() {
      if (!head) throw new Error("describe() the manifest before commit()");
      await endCurrent(head.rows - ended.reduce((sum, part) => sum + part.rows, 0));
      await settle();
      const files: PartRecord[] = [];
      for (const { sha256, ...file } of ended) files.push({ ...file, sha256: await sha256 });
      // Without the signal, as a rotation's file: a manifest begun is finished or dropped, never left half made.
      await writeWhole(await place.open(manifest), Buffer.from(jsonText({ ...head, files })));
      finished = true;
      hasher.close();
      place.close();
    },
    async abort() {
      if (finished) return;
      finished = true;
      await current?.abort();
      if (opening) await within(opening, COMMIT_WAIT_MS);
      const pending = committing;
      if (pending) {
        await within(pending.done, COMMIT_WAIT_MS);
        // Undoes a commit that failed or has not ended; after one that succeeded it does nothing.
        await pending.sink.abort();
      }
      for (const done of published.splice(0)) await place.remove(done);
      hasher.close();
      place.close();
    },
  };
}
