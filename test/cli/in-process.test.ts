// The in-process runner: the same result as the child process, and no global state carried
// from one run into the next.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { gd, gdInProcess, isolated, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const tmp = useTempDir();

test("a run in-process gives what the same run in a child gives", async () => {
  const cases = [
    ["--db-url", server().url("mysql"), "-q", "SELECT 1 AS one, 'a,b' AS two", "-o", `${tmp()}/same.csv`, "-v"],
    ["--db-url", server().url("mysql"), "-q", "SELECT nope", "-o", `${tmp()}/fails.csv`],
    ["-q", "SELECT 1", "-o", `${tmp()}/no-url.csv`],
    ["--version"],
  ];
  for (const args of cases) {
    const child = await gd(args);
    const file = args.includes("-v") ? readFileSync(`${tmp()}/same.csv`, "utf8") : undefined;
    const here = await gdInProcess(args.map((a) => (a.endsWith("same.csv") ? `${tmp()}/same2.csv` : a)));
    // The -v summary holds timings: compare it by shape.
    const timing = (s: string) => s.replace(/ in [\d.]+ s \([\d.,]+[kMG]? rows\/s\)/, " in T");
    expect({ code: here.code, stdout: here.stdout.toString(), stderr: timing(here.stderr) }).toEqual({
      code: child.code,
      stdout: child.stdout.toString(),
      stderr: timing(child.stderr),
    });
    if (file !== undefined) expect(readFileSync(`${tmp()}/same2.csv`, "utf8")).toBe(file);
  }
});

test("an in-process run may not write to stdout, whichever name says so", async () => {
  for (const [args, env] of [
    [["-o", "-"], {}],
    [["--output=/dev/stdout"], {}],
    [[], { OUTPUT_FILE: "/proc/self/fd/1" }],
  ] as const) {
    await expect(gdInProcess(["--db-url", "mysql://u@h/d", "-q", "SELECT 1", "-f", "csv", ...args], { env })).rejects.toThrow("use gd()");
  }
});

test("an in-process run may not set a variable only a new process reads", async () => {
  const env = { NODE_EXTRA_CA_CERTS: "/nonexistent.pem", NO_COLOR: "1" };
  await expect(gdInProcess(["--version"], { env })).rejects.toThrow("NODE_EXTRA_CA_CERTS takes effect in a new process; use gd()");
});

test("cwd applies to the run and is put back", async () => {
  const before = process.cwd();
  const r = await gdInProcess(["--db-url", server().url("mysql"), "-q", "SELECT 1 AS one", "-o", "rel.csv"], { cwd: tmp() });
  expect(r).toMatchObject({ code: 0, stderr: "" });
  expect(readFileSync(`${tmp()}/rel.csv`, "utf8")).toBe("one\r\n1\r\n");
  expect(process.cwd()).toBe(before);
});

test("global state a run leaves behind is undone and named", async () => {
  const listener = () => {};
  const before = { cwd: process.cwd(), sigint: process.listenerCount("SIGINT"), umask: process.umask() };
  let ticks = 0;
  const leaky = isolated(async () => {
    process.on("SIGINT", listener);
    process.env.GD_LEAK_TEST = "1";
    process.umask(0o077);
    process.exitCode = 9;
    setInterval(() => ticks++, 1);
    process.chdir(tmp());
  });
  await expect(leaky).rejects.toThrow(
    "leaked global state: 1 interval(s) still running; the working directory; environment variables GD_LEAK_TEST; the umask; process.exitCode; listeners on process SIGINT",
  );
  expect({ cwd: process.cwd(), sigint: process.listenerCount("SIGINT"), umask: process.umask() }).toEqual(before);
  expect(process.env.GD_LEAK_TEST).toBeUndefined();
  expect(process.exitCode ?? 0).toBe(0);
  const stopped = ticks;
  await Bun.sleep(20);
  expect(ticks).toBe(stopped);
});
