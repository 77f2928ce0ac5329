// Small whole texts (a plan, a part's manifest, the dataset's) at a local path or an s3:// URL, so
// that plan, part and commit read and write them alike wherever the dataset lives. A local text is
// written as an export is (temp file, rename); an object in one request.
import { readFileSync, statSync, unlinkSync } from "node:fs";
import { configError, errnoWords, outputError } from "../errors.ts";
import { openSink, writeWhole } from "../output/sink.ts";
import { openS3Store, statusOf, storeErrorWords, storeFailure, type S3Store } from "../output/s3-store.ts";
import { isS3, resolveS3Target, type S3Target } from "../output/s3-target.ts";

export interface Places {
  /** The text at `path`, or undefined where there is none. */
  read(path: string): Promise<string | undefined>;
  /** Writes `text` whole at `path`; without `force`, refuses (exit 2) to replace anything there. */
  write(path: string, text: string, force: boolean): Promise<void>;
  /** Whether `path` is there. */
  exists(path: string): Promise<boolean>;
  /** Removes `path`; what is not there is no error. */
  remove(path: string): Promise<void>;
  close(): void;
}

const readFailure = (path: string, words: string) => outputError(`cannot read ${path}: ${words}`);

export function openPlaces(env: Record<string, string | undefined>, signal?: AbortSignal): Places {
  const stores = new Map<string, Promise<S3Store>>();
  const storeOf = (path: string): Promise<{ store: S3Store; target: S3Target }> => {
    const target = resolveS3Target(path, env);
    if (!stores.has(target.bucket)) stores.set(target.bucket, openS3Store(target));
    return stores.get(target.bucket)!.then((store) => ({ store, target }));
  };
  return {
    async read(path) {
      if (!isS3(path)) {
        try {
          return readFileSync(path, "utf8");
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
          throw readFailure(path, errnoWords(error));
        }
      }
      const { store, target } = await storeOf(path);
      try {
        return await store.getText(target.key, signal);
      } catch (error) {
        throw readFailure(path, storeErrorWords(error));
      }
    },
    async write(path, text, force) {
      if (!isS3(path)) {
        return writeWhole(await openSink({ path, force, allowEmpty: true }, signal), Buffer.from(text));
      }
      const { store, target } = await storeOf(path);
      try {
        await store.putText(target.key, text, { ifAbsent: !force, signal });
      } catch (error) {
        if (statusOf(error) === 412) throw configError(`output ${path} exists; use --force to overwrite it`);
        throw storeFailure(target.bucket, target.key, error);
      }
    },
    async exists(path) {
      if (!isS3(path)) {
        try {
          return statSync(path).isFile();
        } catch {
          return false;
        }
      }
      const { store, target } = await storeOf(path);
      try {
        return await store.exists(target.key, signal);
      } catch (error) {
        throw readFailure(path, storeErrorWords(error));
      }
    },
    async remove(path) {
      if (!isS3(path)) {
        try {
          unlinkSync(path);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw outputError(`cannot remove ${path}: ${errnoWords(error)}`);
        }
        return;
      }
      const { store, target } = await storeOf(path);
      try {
        await store.remove(target.key, signal);
      } catch (error) {
        throw storeFailure(target.bucket, target.key, error);
      }
    },
    close() {
      for (const store of stores.values()) void store.then((s) => s.close(), () => {});
    },
  };
}
