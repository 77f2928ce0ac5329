// Bun decodes the command line, the environment and the files we read as UTF-8 and turns each
// invalid byte into U+FFFD without a word: the query (or a password, or a file name) would then
// be other data than the user gave. Such input is refused instead, saying where the byte is.
import { readFileSync } from "node:fs";
import { configError } from "../errors.ts";

const strict = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder("utf-8");
const REPLACEMENT = "\uFFFD";

/** Where the first invalid UTF-8 sequence in `bytes` starts; undefined when there is none. */
export function invalidUtf8Offset(bytes: Uint8Array): number | undefined {
  let text: string;
  try {
    strict.decode(bytes);
    return undefined;
  } catch {
    text = lenient.decode(bytes);
  }
  // Each U+FFFD is either an invalid sequence or a real U+FFFD (EF BF BD) in the input; the
  // text before it was decoded exactly, so its UTF-8 length is the byte offset.
  let offset = 0;
  let from = 0;
  for (let at = text.indexOf(REPLACEMENT); at >= 0; at = text.indexOf(REPLACEMENT, at + 1)) {
    offset += Buffer.byteLength(text.slice(from, at));
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return offset;
    offset += 3;
    from = at + 1;
  }
  return undefined;
}

const hexByte = (byte: number) => `0x${byte.toString(16).toUpperCase().padStart(2, "0")}`;

/** The text of `bytes`, or exit 2 naming the line and column of the first byte that is not UTF-8. */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  const offset = invalidUtf8Offset(bytes);
  if (offset === undefined) return lenient.decode(bytes);
  const before = lenient.decode(bytes.subarray(0, offset)).split("\n");
  const column = [...before.at(-1)!].length + 1;
  throw configError(
    `${source} is not UTF-8: byte ${hexByte(bytes[offset])} at line ${before.length}, column ${column}; save it as UTF-8`,
  );
}

/** Where an argument or variable went wrong, without its text: it may be a password. */
function refuse(what: string, bytes: Uint8Array): void {
  const offset = invalidUtf8Offset(bytes);
  if (offset !== undefined) throw configError(`${what} is not UTF-8: byte ${hexByte(bytes[offset])} at offset ${offset}`);
}

/** NUL-separated entries of a /proc file, as bytes; none where there is no /proc. */
function procEntries(file: string): Buffer[] {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch {
    return [];
  }
  const entries: Buffer[] = [];
  for (let start = 0; start < raw.length; ) {
    const end = raw.indexOf(0, start);
    entries.push(raw.subarray(start, end < 0 ? raw.length : end));
    start = end < 0 ? raw.length : end + 1;
  }
  return entries;
}

/**
 * Exit 2 when one of this process's last `argCount` arguments (ours: what precedes them is the
 * runtime's) or one of the variables `envNames` held bytes that are not UTF-8, as the kernel gave them.
 */
export function refuseUndecodableInput(argCount: number, envNames: readonly string[]): void {
  const all = procEntries("/proc/self/cmdline");
  const args = all.slice(Math.max(0, all.length - argCount));
  if (args.length === argCount) args.forEach((arg, i) => refuse(`command-line argument ${i + 1}`, arg));
  for (const entry of procEntries("/proc/self/environ")) {
    const eq = entry.indexOf(0x3d);
    const name = entry.subarray(0, eq).toString("latin1");
    if (eq > 0 && envNames.includes(name)) refuse(`environment variable ${name}`, entry.subarray(eq + 1));
  }
}
