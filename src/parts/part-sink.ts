// One part's output: its file, written as any export's (temp file, then renamed, or an S3 upload),
// then its manifest beside it. The manifest is the part's commit point: `commit` counts a part
// only once its manifest is there, and it lists the file's rows, size and digest.
import type { DescribedSink } from "../export.ts";
import { jsonText } from "../output/manifest.ts";
import { openSink } from "../output/sink.ts";
import type { ManifestHead, PartRecord } from "../output/split-sink.ts";
import type { OutputPlan } from "../plan.ts";
import { nameOf } from "./names.ts";
import type { Places } from "./places.ts";

/** What ties a part's manifest to its plan. */
export interface PartStamp {
  plan: string;
  part: number;
}

/** A part's manifest: a split export's, with the plan and part it belongs to. */
export type PartManifest = ManifestHead & PartStamp & { files: PartRecord[] };

export async function openPartSink(output: OutputPlan, manifest: string, stamp: PartStamp, places: Places, signal?: AbortSignal): Promise<DescribedSink> {
  const sink = await openSink(output, signal);
  const hasher = new Bun.CryptoHasher("sha256");
  let bytes = 0;
  let head: ManifestHead | undefined;
  return {
    async write(chunk) {
      // Before the write: once it resolves, the chunk's memory may be reused.
      hasher.update(chunk);
      bytes += chunk.length;
      await sink.write(chunk);
    },
    describe(described) {
      head = described;
    },
    async commit() {
      if (!head) throw new Error("describe() the manifest before commit()");
      // An earlier run's manifest describes the file about to be replaced: the part is missing
      // from here until this run's manifest is written. A run that fails before here leaves the
      // earlier run's file and manifest as they were.
      await places.remove(manifest);
      await sink.commit();
      const file: PartRecord = { name: nameOf(output.path), rows: head.rows, bytes, sha256: hasher.digest("hex") };
      const written: PartManifest = { ...head, ...stamp, files: [file] };
      await places.write(manifest, jsonText(written), true);
    },
    abort: () => sink.abort(),
  };
}
