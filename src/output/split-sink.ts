// A split export's output: a sequence of files, each written and committed as openSink writes
// one, then a manifest that lists them. The manifest is the commit point: it is written last,
// and a failed export leaves none (and removes the files it had committed, which no reader could
// tell from a complete set).
import { readdirSync, unlinkSync } from "node:fs";
import type { BinlogPosition } from "../plan.ts";
import { basename, dirname, join } from "node:path";
import { configError } from "../errors.ts";
import type { OutputPlan } from "../plan.ts";
import { manifestPath, partPath, partPattern, partTemplate } from "./split-names.ts";
import { openSink, type Sink } from "./sink.ts";

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
  /** Commits the current file and opens the next; `rows` is how many the current one holds. */
  rotate(rows: number): Promise<void>;
  /** What the manifest says besides the files: given before commit(), which writes it. */
  describe(head: ManifestHead): void;
}

/** Exit 2 before any database work for a part or manifest already there, without --force. */
function refuseExisting(template: string, manifest: string): void {
  const dir = dirname(template);
  const pattern = partPattern(template);
  const manifestName = basename(manifest);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return; // openSink says what is wrong with the directory
  }
  const taken = entries.find((entry) => entry === manifestName) ?? entries.find((entry) => pattern.test(entry));
  if (taken !== undefined) throw configError(`output ${taken} in ${dir} exists; use --force to overwrite the set`);
}

export async function openSplitSink(output: OutputPlan, signal?: AbortSignal): Promise<SplitSink> {
  const template = partTemplate(output.path);
  const manifest = manifestPath(template);
  if (!output.force) refuseExisting(template, manifest);
  const committed: PartRecord[] = [];
  const open = (index: number) => openSink({ ...output, path: partPath(template, index) }, signal);
  let current = await open(0);
  let hasher = new Bun.CryptoHasher("sha256");
  let bytes = 0;
  let head: ManifestHead | undefined;

  const commitCurrent = async (rows: number) => {
    await current.commit();
    committed.push({ name: basename(partPath(template, committed.length)), rows, bytes, sha256: hasher.digest("hex") });
    hasher = new Bun.CryptoHasher("sha256");
    bytes = 0;
  };

  return {
    async write(chunk) {
      await current.write(chunk);
      hasher.update(chunk);
      bytes += chunk.length;
    },
    async rotate(rows) {
      await commitCurrent(rows);
      current = await open(committed.length);
    },
    describe(described) {
      head = described;
    },
    async commit() {
      if (!head) throw new Error("describe() the manifest before commit()");
      await commitCurrent(head.rows - committed.reduce((sum, part) => sum + part.rows, 0));
      const sink = await openSink({ ...output, path: manifest }, signal);
      try {
        await sink.write(Buffer.from(`${JSON.stringify({ ...head, files: committed }, null, 2)}\n`));
        await sink.commit();
      } catch (error) {
        await sink.abort();
        throw error;
      }
    },
    async abort() {
      await current.abort();
      for (const part of committed.splice(0)) {
        try {
          unlinkSync(join(dirname(template), part.name));
        } catch {
          // Gone already: the missing manifest marks the set incomplete regardless.
        }
      }
    },
  };
}
