// How far an export is, for people: a live status line on stderr while exporting to a terminal
// (rows, bytes, rate, time), and the summary at the end. The line is redrawn four times a second
// from a timer, so the export loop itself never pays for it.
import type { ExportStats } from "../export.ts";
import { formatBytes, formatCount, formatDuration, formatRate } from "./human.ts";
import type { LogFields } from "./log.ts";

interface ProgressIo {
  env: Record<string, string | undefined>;
  stderr: (text: string) => void;
}

const rowsPerSecond = (stats: ExportStats, seconds: number) => stats.rows / Math.max(seconds, 1e-3);

function progressLine(stats: ExportStats, now: number): string {
  const seconds = (now - stats.startedAt) / 1000;
  const rate = formatRate(rowsPerSecond(stats, seconds));
  return `${formatCount(stats.rows)} rows  ${formatBytes(stats.bytes)}  ${rate} rows/s  ${formatDuration(seconds)}`;
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
  const draw = () => io.stderr(`\r\x1b[2K${on}${progressLine(stats, performance.now())}${off}`);
  const timer = setInterval(draw, 250);
  return {
    stop() {
      clearInterval(timer);
      io.stderr("\r\x1b[2K");
    },
  };
}
