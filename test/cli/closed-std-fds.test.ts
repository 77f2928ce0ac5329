// A closed stdout (`>&-`) is an output failure, not `> /dev/null`: the runtime puts /dev/null
// there itself, and every row would be discarded with exit 0. A closed stdin cannot hold a query.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { freePort } from "../../src/devdb/private-server.ts";
import { gdInShell, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const tmp = useTempDir();
const query = ["-q", "SELECT 1 AS one"];

describe("closed stdout -> 5 before connecting (nothing listens at the URL's port)", () => {
  test.each([
    [["-o", "-", "-f", "csv"]],
    [["-o", "/dev/stdout", "-f", "csv"]],
    [["-o", "/dev/fd/1", "-f", "csv"]],
    [["-o", "/proc/self/fd/1", "-f", "csv"]],
    [["-o", "-", "-f", "csv", "--force"]],
    [["--dump-config", "-o", "x.csv"]],
  ])("%p", async (args) => {
    const url = `mysql://u@127.0.0.1:${await freePort()}/db`;
    expect(await gdInShell(["--db-url", url, ...query, ...args], ">&-")).toEqual({ code: 5, stderr: "gold-digger: cannot write stdout: it is closed\n" });
  });
});

describe("closed stdout for what only prints -> 5", () => {
  test.each([[["--help"]], [["--version"]], [["completion", "bash"]]])("%p", async (args) => {
    expect(await gdInShell(args, ">&-")).toEqual({ code: 5, stderr: "gold-digger: cannot write stdout: it is closed\n" });
  });
});

describe("stdout on /dev/null by the user's choice is written, exit 0", () => {
  test.each([["> /dev/null"], ["1<> /dev/null"], [">> /dev/null"]])("%s", async (redirect) => {
    for (const output of ["-", "/dev/stdout"]) {
      const args = ["--db-url", server().url(), ...query, "-o", output, "-f", "csv"];
      expect(await gdInShell(args, redirect)).toEqual({ code: 0, stderr: "" });
    }
  });
});

test("a closed stdout does not matter when the output is a file", async () => {
  const output = `${tmp()}/one.csv`;
  expect(await gdInShell(["--db-url", server().url(), ...query, "-o", output], ">&-")).toEqual({ code: 0, stderr: "" });
  expect(readFileSync(output, "utf8")).toBe("one\r\n1\r\n");
});

test("--query-file - with stdin closed -> 2, saying so (not 'is empty')", async () => {
  const args = ["--db-url", server().url(), "--query-file", "-", "-o", `${tmp()}/never.csv`];
  expect(await gdInShell(args, "<&-")).toEqual({ code: 2, stderr: "gold-digger: cannot read standard input (--query-file -): it is closed\n" });
  expect(await gdInShell(args, "< /dev/null")).toEqual({ code: 2, stderr: "gold-digger: standard input (--query-file -) is empty\n" });
});

test("a closed stderr: the export runs and the exit code still tells a failure", async () => {
  const output = `${tmp()}/quiet.csv`;
  expect(await gdInShell(["--db-url", server().url(), ...query, "-o", output], "2>&-")).toEqual({ code: 0, stderr: "" });
  expect(readFileSync(output, "utf8")).toBe("one\r\n1\r\n");
  expect(await gdInShell(["--db-url", server().url(), "-q", "SELECT nope", "-o", `${tmp()}/never.csv`], "2>&-")).toEqual({ code: 4, stderr: "" });
});
