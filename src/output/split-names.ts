// The names of a split export's files and manifest, from the output name the user gave: a local
// path or an s3:// URL, cut alike at their last '/' (path functions would fold `s3://` to `s3:/`).
import { COMPRESSION_BY_EXTENSION, FORMAT_BY_EXTENSION } from "../formats.ts";

export const PART = "{part}";

/** Part numbers are five digits; past 99999 they simply grow longer. */
export const partNumber = (index: number) => String(index).padStart(5, "0");

/** The name's directory (up to and with its last '/', or empty) and its file name. */
export function splitName(path: string): [directory: string, file: string] {
  const at = path.lastIndexOf("/") + 1;
  return [path.slice(0, at), path.slice(at)];
}

export const fileName = (path: string) => splitName(path)[1];

/** The directory the set lies in, as messages name it: `.` for a bare file name, `/` for the root. */
export function directoryName(path: string): string {
  const [directory] = splitName(path);
  if (directory === "") return ".";
  return directory === "/" ? directory : directory.slice(0, -1);
}

/** The name with its file name rewritten: `{part}` counts in the file name only, as the files of a set share one directory. */
function withFileName(path: string, rename: (file: string) => string): string {
  const [directory, file] = splitName(path);
  return directory + rename(file);
}

/**
 * Where `-{part}` goes in a name without `{part}`: before its known extensions, so the file keeps
 * them (`orders.csv.gz` -> `orders-{part}.csv.gz`); a name without one gets it at the end.
 */
function extensionStart(name: string): number {
  let end = name.length;
  for (;;) {
    const dot = name.lastIndexOf(".", end - 1);
    if (dot <= 0) return end;
    const extension = name.slice(dot + 1, end).toLowerCase();
    if (!Object.hasOwn(FORMAT_BY_EXTENSION, extension) && !Object.hasOwn(COMPRESSION_BY_EXTENSION, extension)) return end;
    end = dot;
  }
}

/** The output name with `{part}` in its file name: as given, or with `-{part}` added. */
export function partTemplate(path: string): string {
  return withFileName(path, (name) => {
    if (name.includes(PART)) return name;
    const at = extensionStart(name);
    return `${name.slice(0, at)}-${PART}${name.slice(at)}`;
  });
}

export const partPath = (template: string, index: number) => withFileName(template, (name) => name.replaceAll(PART, partNumber(index)));

/** The template with `{part}` as `manifest` and its extensions as `.json`. */
export function manifestPath(template: string): string {
  return withFileName(template, (name) => {
    const manifest = name.replaceAll(PART, "manifest");
    return `${manifest.slice(0, extensionStart(manifest))}.json`;
  });
}

/** Matches the file names of every part the template can make. */
export function partPattern(template: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${fileName(template).split(PART).map(escape).join("\\d{5,}")}$`);
}
