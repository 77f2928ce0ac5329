// The names of a dataset written in parts: each part's file and manifest, and the dataset's
// manifest, from the output name given to `plan`. As a split export's (split-names.ts), but for
// a local path or an s3:// URL alike: only the last segment of either is a name.
import { manifestPath, PART, partNumber, partTemplate, splitName } from "../output/split-names.ts";

/** The output name with `{part}` in its name: as given, or with `-{part}` before its extensions. */
export function outputTemplate(output: string): string {
  const [dir, name] = splitName(output);
  return dir + partTemplate(name);
}

/** Part `index`'s file: `orders-00003.csv`. */
export function partFile(template: string, index: number): string {
  const [dir, name] = splitName(template);
  return dir + name.replaceAll(PART, partNumber(index));
}

/** The name alone, as a manifest lists it (its files share its directory). */
export const nameOf = (path: string) => splitName(path)[1];

/** Part `index`'s manifest, beside its file: `orders-00003.manifest.json`. */
export function partManifest(template: string, index: number): string {
  const [dir, name] = splitName(template);
  return dir + manifestPath(name.replaceAll(PART, `${partNumber(index)}.${PART}`));
}

/** The dataset's manifest, written by `commit`: `orders-manifest.json`, as a split export's. */
export function datasetManifest(template: string): string {
  const [dir, name] = splitName(template);
  return dir + manifestPath(name);
}
