// File systems that fail on purpose: a directory nobody may write to, and a tiny one that fills
// up. We run as root in CI, and root ignores permission bits (chmod 555 does not stop it), so
// these use mounts or the immutable flag, each undone by the returned cleanup.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export type FaultyDir = { dir: string; how: string; cleanup: () => void } | { skip: string };

function sh(command: string, args: string[]): string | undefined {
  const res = spawnSync(command, args, { encoding: "utf8" });
  if (res.status === 0) return undefined;
  return (res.stderr || String(res.error ?? `exit ${res.status}`)).trim();
}

/** A directory in which creating a file fails (EROFS, EPERM or EACCES). */
export function readOnlyDir(parent: string): FaultyDir {
  const dir = join(parent, "read-only");
  mkdirSync(dir);
  if (process.getuid?.() !== 0) {
    chmodSync(dir, 0o555);
    return { dir, how: "chmod 555", cleanup: () => chmodSync(dir, 0o755) };
  }
  const mountError = sh("mount", ["-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", dir]);
  if (mountError === undefined) return { dir, how: "read-only tmpfs", cleanup: () => void sh("umount", ["-l", dir]) };
  const chattrError = sh("chattr", ["+i", dir]);
  if (chattrError === undefined) return { dir, how: "chattr +i", cleanup: () => void sh("chattr", ["-i", dir]) };
  return { skip: `root ignores chmod, and neither a read-only mount (${mountError}) nor chattr +i (${chattrError}) works here` };
}

/** A directory on a tmpfs of `size` (e.g. "1m"): writing more fails with ENOSPC. */
export function smallFsDir(parent: string, size: string): FaultyDir {
  const dir = join(parent, `small-fs-${size}`);
  mkdirSync(dir);
  const mountError = sh("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir]);
  if (mountError === undefined) return { dir, how: `tmpfs of ${size}`, cleanup: () => void sh("umount", ["-l", dir]) };
  return { skip: `cannot mount a small tmpfs (${mountError}); needs root with CAP_SYS_ADMIN` };
}
