// gold-digger plan, part and commit refuse what they cannot do before touching anything (exit 2,
// one line), and the plan's ranges are the ones --dry-run resolves for as many readers.
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expectNoSecrets } from "../support/faults.ts";
import { gd, gdInProcess, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const tmp = useTempDir();
const url = () => server().url("pu");

beforeAll(async () => {
  await server().sql([
    "CREATE DATABASE pu",
    "CREATE TABLE pu.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB",
    "INSERT INTO pu.t SELECT seq, CONCAT('v', seq) FROM pu.seq_1_to_300000",
    "CREATE USER pw_user@'%' IDENTIFIED BY 'Zx9-plan-secret'",
    "GRANT SELECT, LOCK TABLES ON pu.* TO pw_user@'%'",
  ]);
});

const planArgs = (name: string, extra: string[] = []) => [
  "plan", "--db-url", url(), "-q", "SELECT * FROM t", "--split-by", "id", "--parts", "3",
  "--plan", join(tmp(), `${name}.json`), "-o", join(tmp(), `${name}.csv`), "--consistency", "none", ...extra,
];

describe("refused before any work (exit 2)", () => {
  test.each([
    ["a plain export with --parts", ["--db-url", "mysql://x@h/db", "-q", "SELECT 1", "-o", "x.csv", "--parts", "2"], "--parts applies to gold-digger plan, part and commit only"],
    ["part with an export's flag", ["part", "--plan", "p.json", "--part", "0", "-q", "SELECT 1"], "--query does not apply to gold-digger part: the plan sets what the parts do"],
    ["commit with a connection", ["commit", "--plan", "p.json", "--db-url", "mysql://x@h/db"], "--db-url does not apply to gold-digger commit"],
    ["plan with --dry-run", ["plan", "--plan", "p.json", "--dry-run"], "--dry-run does not apply to gold-digger plan"],
    ["plan without --parts", ["plan", "--plan", "p.json", "--db-url", "mysql://x@h/db", "-q", "SELECT 1", "-o", "x.csv"], "gold-digger plan needs --parts N"],
    ["plan without --split-by", ["plan", "--plan", "p.json", "--parts", "2", "--db-url", "mysql://x@h/db", "-q", "SELECT 1", "-o", "x.csv"], "gold-digger plan needs --split-by COLUMN"],
    ["plan to stdout", ["plan", "--plan", "p.json", "--parts", "2", "--split-by", "id", "--db-url", "mysql://x@h/db", "-q", "SELECT 1", "-o", "-", "-f", "csv"], "not stdout"],
    ["plan without --plan", ["plan", "--parts", "2"], "gold-digger plan needs --plan PLAN"],
    ["part without an index", ["part", "--plan", "p.json"], "gold-digger part needs --part I (or JOB_COMPLETION_INDEX)"],
    ["part with -v and --quiet", ["part", "--plan", "p.json", "--part", "0", "-v", "--quiet"], "--verbose and --quiet conflict"],
    ["--barrier-timeout without a snapshot", ["plan", "--plan", "p.json", "--parts", "2", "--split-by", "id", "--db-url", "mysql://x@h/db", "-q", "SELECT 1", "-o", "x.csv", "--consistency", "none", "--barrier-timeout", "5"], "--barrier-timeout applies only with --consistency snapshot"],
  ])("%s", async (_name, args, message) => {
    // Through a child: a run that might write to stdout must not write to the test runner's.
    const r = await gd(args, { cwd: tmp() });
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith("gold-digger: ");
    expect(r.stderr).toContain(message);
    expect(r.stderr.split("\n")).toHaveLength(2);
  });

  test("a part without a plan there, with a file that is not one, with an index past the last part", async () => {
    const missing = await gdInProcess(["part", "--db-url", url(), "--plan", join(tmp(), "none.json"), "--part", "0"]);
    expect(missing).toMatchObject({ code: 2, stderr: `gold-digger: no plan at ${join(tmp(), "none.json")} (write one with gold-digger plan)\n` });
    writeFileSync(join(tmp(), "other.json"), '{"rows": 3}');
    const other = await gdInProcess(["part", "--db-url", url(), "--plan", join(tmp(), "other.json"), "--part", "0"]);
    expect(other).toMatchObject({ code: 2, stderr: `gold-digger: ${join(tmp(), "other.json")} is not a gold-digger plan (write one with gold-digger plan)\n` });
    expect((await gdInProcess(planArgs("idx"))).code).toBe(0);
    const past = await gdInProcess(["part", "--db-url", url(), "--plan", join(tmp(), "idx.json")], { env: { JOB_COMPLETION_INDEX: "3" } });
    expect(past).toMatchObject({ code: 2, stderr: "gold-digger: --part 3: the plan has parts 0 to 2\n" });
    const bad = await gdInProcess(["part", "--db-url", url(), "--plan", join(tmp(), "idx.json")], { env: { JOB_COMPLETION_INDEX: "x1" } });
    expect(bad).toMatchObject({ code: 2, stderr: "gold-digger: JOB_COMPLETION_INDEX must be a whole number from 0, got 'x1'\n" });
    expect(existsSync(join(tmp(), "idx-00003.csv"))).toBe(false);
  });

  test("an existing plan is kept without --force, replaced with it", async () => {
    expect((await gdInProcess(planArgs("again"))).code).toBe(0);
    const before = readFileSync(join(tmp(), "again.json"), "utf8");
    // One reader per part, but three at once on the server: text, as for --parallel 3.
    expect(JSON.parse(before).read).toMatchObject({ readers: 1, protocol: "text" });
    const r = await gdInProcess(planArgs("again"));
    expect(r).toMatchObject({ code: 2, stderr: `gold-digger: plan ${join(tmp(), "again.json")} exists; use --force to overwrite it\n` });
    expect(readFileSync(join(tmp(), "again.json"), "utf8")).toBe(before);
    expect((await gdInProcess(planArgs("again", ["--force"]))).code).toBe(0);
    expect(JSON.parse(readFileSync(join(tmp(), "again.json"), "utf8")).id).not.toBe(JSON.parse(before).id);
  });

  test("more parts than the query has ranges", async () => {
    const r = await gdInProcess(["plan", "--db-url", url(), "-q", "SELECT * FROM t WHERE id <= 2", "--split-by", "id", "--parts", "5", "--plan", join(tmp(), "few.json"), "-o", join(tmp(), "few.csv")]);
    expect(r).toMatchObject({ code: 2, stderr: "gold-digger: --parts 5: the query splits into only 2 ranges of its column; use --parts 2 or fewer\n" });
    expect(existsSync(join(tmp(), "few.json"))).toBe(false);
  });
});

test("--help lists plan, part and commit and their flags", async () => {
  const r = await gd(["--help"]);
  for (const line of ["gold-digger plan [OPTIONS] --split-by COLUMN --parts N --plan PLAN", "gold-digger part --plan PLAN --part I", "gold-digger commit --plan PLAN", "--barrier-timeout SECONDS", "[env: JOB_COMPLETION_INDEX]"]) {
    expect(r.stdout.toString()).toContain(line);
  }
});

test("the plan's ranges are --dry-run's for as many readers, in contiguous balanced runs; it holds no password", async () => {
  const secretUrl = `mysql://pw_user:Zx9-plan-secret@127.0.0.1:${server().port}/pu`;
  const base = ["--db-url", secretUrl, "-q", "SELECT * FROM t", "--split-by", "id", "-o", join(tmp(), "dr.csv")];
  const dry = await gdInProcess([...base, "--parallel", "6", "--dry-run"]);
  expect(dry.code).toBe(0);
  // Without a snapshot, plan does not wait for the parts.
  const plan = await gdInProcess(["plan", ...base, "--parallel", "2", "--parts", "3", "--plan", join(tmp(), "dr.json"), "--consistency", "none", "-v"]);
  expect(plan.code).toBe(0);
  expectNoSecrets(plan);
  const text = readFileSync(join(tmp(), "dr.json"), "utf8");
  expect(text).not.toContain("Zx9-plan-secret");
  const written = JSON.parse(text);
  const ranges = written.parts.map((p: { ranges: string[] }) => p.ranges);
  expect(written.snapshot).toBeUndefined();
  expect(ranges.flat()).toEqual(JSON.parse(dry.stdout.toString()).read.ranges);
  const sizes = ranges.map((r: string[]) => r.length);
  expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  expect(written).toMatchObject({ splitBy: "id", consistency: "none", read: { readers: 2 }, output: { template: join(tmp(), "dr-{part}.csv") } });
});
