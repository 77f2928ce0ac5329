// Shared by the in-process encoder tests: a seeded random source (a failing case names its
// seed), and whole exports run through createEncoder from hand-built row payloads, no server.
import { expect } from "bun:test";
import type { ColumnSpec, Kind } from "../../src/format/columns.ts";
import { createEncoder, type EncoderSpec } from "../../src/format/encoder.ts";
import { batchOf, type Value } from "../support/packets.ts";

export interface Random {
  /** An integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** mulberry32: small, fast and the same on every run for the same seed. */
export function random(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { int, pick: (items) => items[int(items.length)], chance: (p) => next() < p };
}

/** A string of `length` pieces drawn from `pieces`. */
export const randomText = (rnd: Random, pieces: readonly string[], length: number) =>
  Array.from({ length }, () => rnd.pick(pieces)).join("");

/** Columns c0, c1, ... of the given kinds, each key its name. */
export const columnsOf = (kinds: Kind[]): ColumnSpec[] => kinds.map((kind, i) => ({ name: `c${i}`, key: `c${i}`, kind }));

/** Cuts rows into batches of 1 to `most` rows each. */
export function inBatches<T>(rnd: Random, rows: T[], most: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < rows.length; ) {
    const size = 1 + rnd.int(most);
    batches.push(rows.slice(i, i + size));
    i += size;
  }
  return batches;
}

export type Spec = Pick<EncoderSpec, "format" | "columns"> & Partial<EncoderSpec>;

/** An encoder for `spec`; unless it says otherwise: compact, CRLF, uncompressed. */
export const encoderOf = (spec: Spec) => createEncoder({ pretty: false, csvNewline: "\r\n", compression: "none", ...spec });

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A whole export: header, each batch (the first one flagged as such, as the pipeline does),
 * footer. Decoded strictly, so invalid UTF-8 fails, and string equality is byte equality.
 */
export function exportOf(spec: Spec, batches: Value[][][]): string {
  const encoder = encoderOf(spec);
  const parts: Uint8Array[] = [encoder.header()];
  batches.forEach((rows, i) => parts.push(encoder.batch(batchOf(rows), rows.length, i === 0)));
  parts.push(encoder.footer(batches.some((rows) => rows.length > 0)));
  return strictUtf8.decode(Buffer.concat(parts));
}

/**
 * Equality of two long texts, failing first on a short window around the first difference
 * (a diff of two whole exports would bury it).
 */
export function expectSameText(actual: string, expected: string): void {
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  if (i < actual.length || actual.length !== expected.length) {
    const window = (s: string) => JSON.stringify(s.slice(Math.max(0, i - 40), i + 40));
    expect(`at ${i}: ${window(actual)}`).toBe(`at ${i}: ${window(expected)}`);
  }
  expect(actual).toBe(expected);
}
