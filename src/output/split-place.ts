// Where a split export's set lies: a directory, or a prefix in a bucket. What of a set is there
// already (exit 2 without --force, before any database work), and removing the files of a set that
// failed. The names are split-names.ts's, alike for both.
import { readdirSync, unlinkSync } from "node:fs";
import { configError, GdError } from "../errors.ts";
import type { OutputPlan } from "../plan.ts";
import { openS3Store, storeFailure } from "./s3-store.ts";
import { S3_SCHEME } from "./s3-target.ts";
import { openSink, tempFilesIn, type Sink } from "./sink.ts";
import { directoryName, fileName, partPattern, splitName } from "./split-names.ts";

/** How long a failed export's cleanup may wait for the store: a signal must still end the export. */
const REMOVE_TIMEOUT_MS = 10_000;

export interface SetPlace {
  /** The sink that writes `path` (a part or the manifest), as openSink opens one. */
  open(path: string, signal?: AbortSignal): Promise<Sink>;
  /** Refuses (exit 2) a part or manifest of this set already there. */
  refuseExisting(template: string, manifest: string, signal?: AbortSignal): Promise<void>;
  /** Removes a file of the set; one already gone, or that cannot be removed, is left: without a manifest no reader takes the set as complete. */
  remove(path: string): Promise<void>;
  close(): void;
}

/** The first name under `directory` that is a part of the template or the manifest. */
function takenName(names: Iterable<string>, template: string, manifest: string): string | undefined {
  const pattern = partPattern(template);
  const manifestName = fileName(manifest);
  for (const name of names) if (name === manifestName || pattern.test(name)) return name;
  return undefined;
}

const refusal = (name: string, template: string) => configError(`output ${name} in ${directoryName(template)} exists; use --force to overwrite the set`);

function localPlace(output: OutputPlan, template: string): SetPlace {
  // Listed once for the set: a listing a file is N x M for N files in a directory of M entries.
  const temps = tempFilesIn(directoryName(template));
  return {
    open: (path, signal) => openSink({ ...output, path }, signal, temps),
    async refuseExisting(template, manifest) {
      let names: string[];
      try {
        names = readdirSync(directoryName(template));
      } catch {
        return; // openSink says what is wrong with the directory
      }
      const taken = takenName(names, template, manifest);
      if (taken !== undefined) throw refusal(taken, template);
    },
    async remove(path) {
      try {
        unlinkSync(path);
      } catch {
        // Gone already.
      }
    },
    close() {},
  };
}

async function s3Place(output: OutputPlan & Required<Pick<OutputPlan, "s3">>): Promise<SetPlace> {
  const { s3 } = output;
  const store = await openS3Store(s3);
  const keyOf = (path: string) => path.slice(`${S3_SCHEME}${s3.bucket}/`.length);
  return {
    open: (path, signal) => openSink({ ...output, path, s3: { ...s3, key: keyOf(path) } }, signal),
    async refuseExisting(template, manifest, signal) {
      const [directory] = splitName(keyOf(template));
      // Only what the set's names can start with: a prefix with many other objects is not listed whole.
      const manifestKey = keyOf(manifest);
      const partKey = keyOf(template);
      let common = 0;
      while (common < partKey.length && partKey[common] === manifestKey[common] && partKey[common] !== "{") common++;
      let keys: string[];
      try {
        keys = await store.list(partKey.slice(0, common), signal);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        throw error instanceof GdError ? error : storeFailure(s3.bucket, partKey, error);
      }
      const names = keys.filter((key) => key.startsWith(directory)).map((key) => key.slice(directory.length));
      const taken = takenName(names, template, manifest);
      if (taken !== undefined) throw refusal(taken, template);
    },
    async remove(path) {
      try {
        await store.remove(keyOf(path), AbortSignal.timeout(REMOVE_TIMEOUT_MS));
      } catch {
        // Left to the store: without a manifest the set is incomplete regardless.
      }
    },
    close: () => store.close(),
  };
}

export function openSetPlace(output: OutputPlan, template: string): Promise<SetPlace> {
  return output.s3 ? s3Place({ ...output, s3: output.s3 }) : Promise.resolve(localPlace(output, template));
}
