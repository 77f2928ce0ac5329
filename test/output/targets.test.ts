// Output targets the export cannot use: each is one line on stderr and exit 5, and nothing is
// left behind under the name given.
import { expect, test } from "bun:test";
import { existsSync, readdirSync, symlinkSync } from "node:fs";
import { gdInProcess, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const tmp = useTempDir();
const exportTo = (output: string, extra: string[] = []) =>
  gdInProcess(["--db-url", server().url("mysql"), "-q", "SELECT seq FROM seq_1_to_1000", "-o", output, "-f", "csv", ...extra]);

test("a device that fails the write (/dev/full): exit 5, the reason in words", async () => {
  expect(await exportTo("/dev/full")).toMatchObject({ code: 5, stderr: "gold-digger: cannot write /dev/full: no space left on device\n" });
});

test("a loop of symbolic links: exit 5, with or without --force, and the links stay", async () => {
  symlinkSync(`${tmp()}/loop-b`, `${tmp()}/loop-a`);
  symlinkSync(`${tmp()}/loop-a`, `${tmp()}/loop-b`);
  for (const extra of [[], ["--force"]]) {
    const r = await exportTo(`${tmp()}/loop-a`, extra);
    expect(r).toMatchObject({ code: 5, stderr: `gold-digger: cannot write ${tmp()}/loop-a: too many levels of symbolic links\n` });
  }
  expect(readdirSync(tmp()).sort()).toEqual(["loop-a", "loop-b"]);
});

test("a file named 1 in a missing directory is not stdout: exit 5, naming the directory", async () => {
  const output = `${tmp()}/no-such-dir/1`;
  const r = await exportTo(output);
  expect(r).toMatchObject({ code: 5, stderr: `gold-digger: cannot write ${output}: directory ${tmp()}/no-such-dir does not exist\n` });
  expect(existsSync(`${tmp()}/no-such-dir`)).toBe(false);
});

test("a directory that refuses new files (/proc): exit 5, saying where the file could not be made", async () => {
  expect(await exportTo("/proc/gd-export.csv")).toMatchObject({
    code: 5,
    stderr: "gold-digger: cannot write /proc/gd-export.csv: cannot create a file in /proc: no such file or directory\n",
  });
});
