// The names of a split export's files and manifest, from the output name the user gave.
import { basename, dirname, join } from "node:path";
import { COMPRESSION_BY_EXTENSION, FORMAT_BY_EXTENSION } from "../formats.ts";

export const PART = "{part}";

/** Part numbers are five digits; past 99999 they simply grow longer. */
export const partNumber = (index: number) => String(index).padStart(5, "0");

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
  const name = basename(path);
  if (name.includes(PART)) return path;
  const at = extensionStart(name);
  return join(dirname(path), `${name.slice(0, at)}-${PART}${name.slice(at)}`);
}

/** `{part}` counts in the file name only: the files of a set share one directory. */
export const partPath = (template: string, index: number) => join(dirname(template), basename(template).replaceAll(PART, partNumber(index)));

/** The template with `{part}` as `manifest` and its extensions as `.json`. */
export function manifestPath(template: string): string {
  const name = basename(template).replaceAll(PART, "manifest");
  return join(dirname(template), `${name.slice(0, extensionStart(name))}.json`);
}

/** Matches the names of every part the template can make, in its directory. */
export function partPattern(template: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${basename(template).split(PART).map(escape).join("\\d{5,}")}$`);
}
