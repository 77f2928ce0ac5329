// Before timing compressed output, check that it round-trips: gold-digger writes one gzip
// member / zstd frame per batch, so decompress with the standard tools (which must read
// concatenated members) and compare with the uncompressed export of the same rows.
import { readFileSync, rmSync } from "node:fs";
import { goldDigger, type Target } from "./variants.ts";

export interface CompressionCheck {
  ext: string;
  ok: boolean;
  detail: string;
}

const DECOMPRESS: Record<string, string[]> = { "csv.gz": ["gzip", "-dc"], "csv.zst": ["zstd", "-dcq"] };

function exportTo(t: Target, ext: string): { path: string; error?: string } {
  // Small batches, so the sample spans many members/frames.
  const { argv, output } = goldDigger(t, ext, undefined).command;
  const res = Bun.spawnSync([...argv, "--batch-rows", "1000"], { stdout: "ignore", stderr: "pipe" });
  return { path: output!, error: res.exitCode === 0 ? undefined : `gold-digger exit ${res.exitCode}: ${res.stderr.toString().trim()}` };
}

export function checkCompression(t: Target, sampleRows: number): CompressionCheck[] {
  const sample: Target = { ...t, query: `${t.query} LIMIT ${sampleRows}` };
  const plain = exportTo(sample, "csv");
  if (plain.error) throw new Error(`plain CSV export failed: ${plain.error}`);
  const expected = readFileSync(plain.path);
  rmSync(plain.path);
  return Object.entries(DECOMPRESS).map(([ext, tool]) => {
    const out = exportTo(sample, ext);
    if (out.error) return { ext, ok: false, detail: out.error };
    const res = Bun.spawnSync([...tool, out.path], { stdout: "pipe", stderr: "pipe" });
    rmSync(out.path, { force: true });
    if (res.exitCode !== 0) return { ext, ok: false, detail: `${tool[0]} failed: ${res.stderr.toString().trim()}` };
    const same = Buffer.compare(res.stdout, expected) === 0;
    return {
      ext,
      ok: same,
      detail: same
        ? `${sampleRows} rows round-trip through ${tool[0]}`
        : `decompressed ${res.stdout.length} bytes differ from the ${expected.length}-byte plain CSV`,
    };
  });
}
