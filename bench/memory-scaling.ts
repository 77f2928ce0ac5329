// Memory scaling: the wide shape at N and N x multiplier rows, per format, one run each.
import type { PrivateServer } from "../src/devdb/private-server.ts";
import { runVariant } from "./compare.ts";
import { benchQuery } from "./dataset.ts";
import { log } from "./log.ts";
import type { MemoryScaling } from "./report.ts";
import { FORMATS, goldDigger, type Target } from "./variants.ts";

/** `target` reads the wide table once. */
export async function memoryScaling(target: Target, server: PrivateServer, rows: number, multiplier: number): Promise<MemoryScaling[]> {
  const large: Target = { ...target, query: benchQuery(multiplier) };
  const results: MemoryScaling[] = [];
  for (const format of FORMATS) {
    const small = await runVariant(target, server, goldDigger(target, format, undefined), rows);
    const big = await runVariant(large, server, goldDigger(large, format, undefined), rows * multiplier);
    log(`memory ${format}: ${small.peakRssMb.toFixed(0)} MB -> ${big.peakRssMb.toFixed(0)} MB (${big.wallS.toFixed(1)} s)`);
    results.push({ format, small, large: big, rssRatio: big.peakRssMb / small.peakRssMb });
  }
  return results;
}
