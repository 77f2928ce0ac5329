// How far an export is, for people: a live status line on stderr while exporting to a terminal
// (rows, bytes, rate, time, and where the read plan allows, a percentage and the time left), and
// the summary at the end. The line is redrawn four times a second from a timer, so the export
// loop itself never pays for it.
import type { ExportStats } from "../export.ts";
import { formatBytes, formatCount, formatDuration, formatRate, formatWait } from "./human.ts";
import type { LogFields } from "./log.ts";

interface ProgressIo {
  env: Record<string, string | undefined>;
  stderr: (text: string) => void;
}

/**
 * How much of the export is read, from 0 to 1, where the read plan gives a way to tell. The
 * optimizer's estimate of the rows says how far as long as the rows stay within it; ranges
 * written and ranges started bound it from both sides, whatever the estimate says. Without
 * either (a plain query the server would not estimate, or one that outgrew its estimate), none.
 */
export function fractionDone(stats: ExportStats): number | undefined {
  const { rows, estimatedRows = 0, ranges = 0, sourcesAdded = 0, sourcesDone = 0 } = stats;
  const byRows = estimatedRows > 0 && rows <= estimatedRows ? rows / estimatedRows : undefined;
  if (ranges < 2) return byRows;
  const low = sourcesDone / ranges;
  const high = Math.min(sourcesAdded, ranges) / ranges;
  return byRows === undefined ? low : Math.min(Math.max(byRows, low), high);
}

/** Where the rate of the rows is measured from: the first draw that saw rows, after connecting and planning. */
interface Baseline {
  at: number;
  rows: number;
}

/** Until this much is done and this long has passed since the first rows, the rate is noise: no estimate. */
const MIN_FRACTION = 0.01;
const MIN_MEASURED_MS = 1000;

/** `  ~45%  ~12 s left`, both marked as estimates; empty until enough is known. */
function estimateText(stats: ExportStats, baseline: Baseline | undefined, now: number): string {
  const done = fractionDone(stats);
  if (done === undefined || baseline === undefined || done < MIN_FRACTION || now - baseline.at < MIN_MEASURED_MS) return "";
  // Rounded down: 100% only once everything is read.
  const percent = `  ~${Math.floor(done * 100)}%`;
  const rate = (stats.rows - baseline.rows) / ((now - baseline.at) / 1000);
  if (!(rate > 0)) return percent;
  return `${percent}  ~${formatWait((stats.rows / done - stats.rows) / rate)} left`;
}

const rowsPerSecond = (stats: ExportStats, seconds: number) => stats.rows / Math.max(seconds, 1e-3);

function progressLine(stats: ExportStats, baseline: Baseline | undefined, now: number): string {
  const seconds = (now - stats.startedAt) / 1000;
  const rate = formatRate(rowsPerSecond(stats, seconds));
  return `${formatCount(stats.rows)} rows  ${formatBytes(stats.bytes)}  ${rate} rows/s  ${formatDuration(seconds)}${estimateText(stats, baseline, now)}`;
}

/** The last line of an export: `3,000,000 rows, 607.4 MiB in 2.31 s (1.3M rows/s)`, and its numbers as they are. */
export function summary(stats: ExportStats, now: number): { text: string; fields: LogFields } {
  const seconds = (now - stats.startedAt) / 1000;
  const rate = rowsPerSecond(stats, seconds);
  const rows = `${formatCount(stats.rows)} ${stats.rows === 1 ? "row" : "rows"}`;
  return {
    text: `${rows}, ${formatBytes(stats.bytes)} in ${formatDuration(seconds)} (${formatRate(rate)} rows/s)`,
    fields: { rows: stats.rows, bytes: stats.bytes, seconds: Math.round(seconds * 1000) / 1000, rows_per_s: Math.round(rate) },
  };
}

export function startProgress(stats: ExportStats, io: ProgressIo): { stop(): void } {
  // NO_COLOR (no-color.org): plain text; otherwise the line is dimmed.
  const [on, off] = io.env.NO_COLOR ? ["", ""] : ["\x1b[2m", "\x1b[22m"];
  let baseline: Baseline | undefined;
  const draw = () => {
    const now = performance.now();
    if (baseline === undefined && stats.rows > 0) baseline = { at: now, rows: stats.rows };
    io.stderr(`\r\x1b[2K${on}${progressLine(stats, baseline, now)}${off}`);
  };
  const timer = setInterval(draw, 250);
  return {
    stop() {
      clearInterval(timer);
      io.stderr("\r\x1b[2K");
    },
  };
}
