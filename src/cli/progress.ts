// A live status line on stderr while exporting to a terminal: rows, bytes, rate, time.
// Redrawn four times a second from a timer, so the export loop itself never pays for it.
import type { ExportStats } from "../export.ts";

interface ProgressIo {
  env: Record<string, string | undefined>;
  stderr: (text: string) => void;
}

function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

function progressLine(stats: ExportStats, now: number): string {
  const seconds = (now - stats.startedAt) / 1000;
  const rate = Math.round(stats.rows / Math.max(seconds, 1e-3));
  return `${stats.rows.toLocaleString("en-US")} rows  ${formatBytes(stats.bytes)}  ${rate.toLocaleString("en-US")} rows/s  ${seconds.toFixed(1)} s`;
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
