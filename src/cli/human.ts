// Numbers as people read them on stderr: counts with separators, rates and sizes scaled, durations
// in the largest units that matter. The live progress line and the final summary both use these.

/** 3,000,000 */
export const formatCount = (n: number) => Math.round(n).toLocaleString("en-US");

/** 950, 12.3k, 1.3M: three figures at most, enough for a rate that changes every second. */
export function formatRate(n: number): string {
  if (Math.round(n) < 1000) return String(Math.round(n));
  const units = ["k", "M", "G", "T"];
  const figures = (v: number) => v.toFixed(v < 99.95 ? 1 : 0);
  let value = n / 1000;
  let i = 0;
  // Scaled on while the rounded figure reaches 1000: 999,960 is 1.0M, not 1000k.
  while (i < units.length - 1 && Number(figures(value)) >= 1000) {
    value /= 1000;
    i++;
  }
  return `${figures(value)}${units[i]}`;
}

/** 512 B, 12.3 KiB, 607.4 MiB */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** 0.42 s, 12.3 s, 4 min 05 s, 1 h 02 min */
export function formatDuration(seconds: number): string {
  if (seconds < 59.95) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  return wholeDuration(seconds);
}

/** How long is left, in whole seconds: an estimate has no use for hundredths. */
export function formatWait(seconds: number): string {
  const whole = Math.ceil(seconds);
  return whole < 60 ? `${whole} s` : wholeDuration(whole);
}

function wholeDuration(seconds: number): string {
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor(whole / 60) % 60;
  return h > 0 ? `${h} h ${pad2(m)} min` : `${m} min ${pad2(whole % 60)} s`;
}
