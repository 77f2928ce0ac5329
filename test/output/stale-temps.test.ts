// An export killed outright (SIGKILL) cannot remove its temp file; the next export to the same
// place does, and only that: our naming for that output, our user, a process that is gone.
import { beforeAll, expect, test } from "bun:test";
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addSweepAccounts, HANG_MS, startGd, sweepUrl, tempFilesBeside, tempFileSize, waitUntil } from "../support/faults.ts";
import { gd, gdInProcess, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const dir = useTempDir();
beforeAll(() => addSweepAccounts(server()));

/** PIDs no process can have: above Linux's PID_MAX_LIMIT (2^22). */
const GONE = [4_194_305, 9_999_999, 2_147_483_647];
const temp = (name: string, pid: number, time = "lz0abc12") => `.${name}.${pid}.${time}.tmp`;

test("a SIGKILLed export's temp file is removed by the next export to the same output", async () => {
  const output = join(dir(), "killed.csv");
  const run = startGd(["--db-url", sweepUrl(server().port), "-q", "SELECT * FROM seq_1_to_50000000", "-o", output]);
  await waitUntil("the temp file to grow", () => tempFileSize(output) > 100_000);
  run.child.kill("SIGKILL");
  await run.result;
  const [left] = tempFilesBeside(output);
  expect(left).toStartWith(`.killed.csv.${run.child.pid}.`);
  const r = await gd(["--db-url", sweepUrl(server().port), "-q", "SELECT 1 AS one", "-o", output], { timeoutMs: HANG_MS });
  expect(r).toMatchObject({ code: 0, stderr: "" });
  expect(readFileSync(output, "utf8")).toBe("one\r\n1\r\n");
  expect(tempFilesBeside(output)).toEqual([]);
});

test("only our own stale temp files for that output go; everything else beside it stays", async () => {
  const place = join(dir(), "neighbours");
  mkdirSync(place);
  const long = "x".repeat(251) + ".csv";
  // Long names are cut to fit each temp name's own suffix, which depends on the PID's length.
  const cut = (pid: number) => {
    const suffix = `.${pid}.lz0abc12.tmp`;
    return `.${long.slice(0, 255 - 1 - suffix.length)}${suffix}`;
  };
  const stale = [...GONE.map((pid) => temp("out.csv", pid)), temp("out.csv", GONE[0], "0"), ...GONE.map(cut)];
  const kept = [
    temp("out.csv", process.pid), // a live export's
    temp("other.csv", GONE[0]), // another output's
    temp("out.csv.bak", GONE[0]), // a name that merely starts the same
    temp("ut.csv", GONE[0]),
    `.out.csv.${GONE[0]}.lz0abc12.tmp.keep`,
    `out.csv.${GONE[0]}.lz0abc12.tmp`, // not hidden: not ours
    `.out.csv.0${GONE[0]}.lz0abc12.tmp`, // a PID as we never write one
    `.out.csv.${GONE[0]}.LZ0.tmp`,
  ];
  for (const name of [...stale, ...kept]) writeFileSync(join(place, name), "partial");
  // Named like ours, but not a regular file, or not our user's.
  const dirLike = temp("out.csv", GONE[1], "dir");
  mkdirSync(join(place, dirLike));
  const linkLike = temp("out.csv", GONE[1], "link");
  symlinkSync(join(place, "nowhere"), join(place, linkLike));
  const otherUser = temp("out.csv", GONE[1], "nobody");
  writeFileSync(join(place, otherUser), "theirs");
  if (process.getuid?.() === 0) chownSync(join(place, otherUser), 65534, 65534);
  kept.push(dirLike, linkLike, ...(process.getuid?.() === 0 ? [otherUser] : []));

  for (const name of ["out.csv", long]) {
    const r = await gdInProcess(["--db-url", sweepUrl(server().port), "-q", "SELECT 1 AS one", "-o", join(place, name)], { timeoutMs: HANG_MS });
    expect(r).toMatchObject({ code: 0, stderr: "" });
  }
  const left = new Set(readdirSync(place));
  expect(stale.filter((name) => left.has(name))).toEqual([]);
  expect(kept.filter((name) => !left.has(name))).toEqual([]);
  expect(existsSync(join(place, long))).toBe(true);
});

test("a split set removes the stale temp files of each of its files and of its manifest", async () => {
  const place = join(dir(), "set");
  mkdirSync(place);
  const stale = [temp("s-00000.csv", GONE[0]), temp("s-00002.csv", GONE[1]), temp("s-manifest.json", GONE[2])];
  const kept = [temp("s-00001.csv", process.pid), temp("other.csv", GONE[0])];
  for (const name of [...stale, ...kept]) writeFileSync(join(place, name), "partial");
  const r = await gdInProcess(["--db-url", sweepUrl(server().port), "-q", "SELECT seq FROM seq_1_to_25", "--max-file-rows", "10", "-o", join(place, "s.csv")], { timeoutMs: HANG_MS });
  expect(r).toMatchObject({ code: 0, stderr: "" });
  const left = new Set(readdirSync(place));
  expect(["s-00000.csv", "s-00001.csv", "s-00002.csv", "s-manifest.json"].filter((name) => !left.has(name))).toEqual([]);
  expect(stale.filter((name) => left.has(name))).toEqual([]);
  expect(kept.filter((name) => !left.has(name))).toEqual([]);
});
