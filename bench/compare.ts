// The interleaved comparison. Every round runs every variant of every shape once (wide ABC,
// narrow ABC, fat ABC, then again), so that noise from this shared machine spreads over all
// variants and shapes instead of hitting one.
import type { PrivateServer } from "../src/devdb/private-server.ts";
import { log } from "./log.ts";
import { measure, type Measurement } from "./measure.ts";
import { summarize, type ShapeResult } from "./report.ts";
import type { Shape } from "./shapes/index.ts";
import { CEILING_ID, REFERENCE_ID, type Target, type Variant } from "./variants.ts";

export interface ShapePlan {
  shape: Shape;
  rows: number;
  loadS: number;
  target: Target;
  variants: Variant[];
}

export async function runVariant(target: Target, server: PrivateServer, v: Variant, expectedRows: number): Promise<Measurement> {
  const m = await measure(v.command, server.pid, target.scratch);
  // The probes count what they received: a short count would make their speed meaningless.
  if (!v.readsNoRows && m.reported && m.reported.rows !== expectedRows) {
    throw new Error(`${v.id} saw ${m.reported.rows} rows, expected ${expectedRows}`);
  }
  return m;
}

export async function compareShapes(plans: ShapePlan[], server: PrivateServer, repeat: number): Promise<ShapeResult[]> {
  const samples = new Map(plans.map((p) => [p, new Map<string, Measurement[]>(p.variants.map((v) => [v.id, []]))]));
  // Untimed: fills the OS cache with the binaries and the server's caches with each table.
  for (const p of plans) {
    for (const v of p.variants.filter((v) => v.id === REFERENCE_ID || v.id === CEILING_ID)) await runVariant(p.target, server, v, p.rows);
  }
  for (let round = 1; round <= repeat; round++) {
    for (const p of plans) {
      for (let run = 0; run < (p.shape.runsPerRound ?? 1); run++) {
        for (const v of p.variants) {
          const m = await runVariant(p.target, server, v, p.rows);
          samples.get(p)!.get(v.id)!.push(m);
          log(`[${round}/${repeat}] ${p.shape.name}: ${v.id}: ${m.wallS.toFixed(2)} s, ${m.peakRssMb.toFixed(0)} MB, ${m.minorFaults} faults`);
        }
      }
    }
  }
  return plans.map((p) => ({
    shape: p.shape.name,
    description: p.shape.description,
    rows: p.rows,
    query: p.target.query,
    loadS: p.loadS,
    comparison: summarize(p.variants, samples.get(p)!, p.rows),
  }));
}
