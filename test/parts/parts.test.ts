// One export over many machines, run as the contract runs it: `plan`, then N `part` processes each
// with its own JOB_COMPLETION_INDEX, then `commit`; against a private MariaDB (binary log on, so
// that each part records its snapshot's position) and a real S3-API server.
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import mariadb from "mariadb";
import { duck, literal } from "../support/duckdb.ts";
import { expectNoSecrets, startGd, waitUntil } from "../support/faults.ts";
import { gd, gdInProcess, type RunResult, usePrivateServer, useTempDir } from "../support/harness.ts";
import { BUCKET, useS3Server } from "../support/s3.ts";
import { startTransfers, transactionalMove } from "../support/transfers.ts";

// A later --log-bin wins over the harness's --skip-log-bin.
const server = usePrivateServer({ extraArgs: ["--log-bin=gd-bin", "--server-id=1"] });
const s3 = useS3Server();
const tmp = useTempDir();
const url = () => server().url("pp");

beforeAll(async () => {
  await server().sql([
    "CREATE DATABASE pp",
    `CREATE TABLE pp.t (id INT PRIMARY KEY, name VARCHAR(40), amount DECIMAL(12,2), note VARCHAR(40) NULL) ENGINE=InnoDB`,
    `INSERT INTO pp.t SELECT seq * 3, CONCAT('name,"', seq, '"'), seq * 1.25, IF(seq % 11 = 0, NULL, 'x') FROM pp.seq_1_to_20000`,
    "CREATE TABLE pp.acct (id INT PRIMARY KEY, amount BIGINT NOT NULL) ENGINE=InnoDB",
    "INSERT INTO pp.acct SELECT seq, 1000 FROM pp.seq_1_to_5000",
    "CREATE TABLE pp.m (id INT PRIMARY KEY, v INT) ENGINE=MyISAM",
    "INSERT INTO pp.m SELECT seq, seq FROM pp.seq_1_to_100",
  ]);
});

let dirs = 0;
function freshDir(): string {
  const dir = join(tmp(), `run-${dirs++}`);
  mkdirSync(dir);
  return dir;
}

/** A fresh directory and the path of the plan in it. */
function freshPlan(): { dir: string; planPath: string } {
  const dir = freshDir();
  return { dir, planPath: join(dir, "plan.json") };
}

interface Run {
  plan: RunResult;
  parts: RunResult[];
}

/**
 * `plan` started, then (once its plan is there) every part as its own process with its
 * JOB_COMPLETION_INDEX, as an Indexed Job's pods are; `only` runs only those parts.
 */
async function runParts(planPath: string, planArgs: string[], n: number, options: { env?: Record<string, string>; only?: number[]; written?: () => boolean } = {}): Promise<Run> {
  const env = options.env ?? {};
  const plan = startGd(["plan", "--db-url", url(), "--parts", String(n), "--plan", planPath, ...planArgs], { env, timeoutMs: 40_000 });
  const written = options.written ?? (() => existsSync(planPath));
  await waitUntil("the plan is written", () => written() || plan.child.exitCode !== null, 20_000);
  const indexes = options.only ?? Array.from({ length: n }, (_, i) => i);
  const parts = await Promise.all(
    indexes.map((i) => gd(["part", "--db-url", url(), "--plan", planPath], { env: { ...env, JOB_COMPLETION_INDEX: String(i) }, timeoutMs: 40_000 })),
  );
  return { plan: await plan.result, parts };
}

/** The plan and every part ran cleanly: exit 0, nothing on stderr. */
function expectAllOk(run: Run): void {
  expect(ok(run.plan)).toEqual(OK);
  for (const part of run.parts) expect(ok(part)).toEqual(OK);
}

/** `commit` needs no running part: it runs inside the test process, where coverage sees it. */
const commit = (planPath: string, env?: Record<string, string>, extra: string[] = []) => gdInProcess(["commit", "--plan", planPath, ...extra], { env });

/** `text` (JSON) parsed and changed by `change`. */
function changed(text: string, change: (m: Record<string, unknown>) => void): Record<string, unknown> {
  const manifest = JSON.parse(text);
  change(manifest);
  return manifest;
}

/**
 * Commit refused with one line starting with `message` (exit 4, or `code`) while each file in
 * `edits` is rewritten by its function; the files are put back after, and no dataset manifest is left.
 */
async function expectCommitRefused(planPath: string, edits: Record<string, (text: string) => string>, message: string, code = 4): Promise<void> {
  const originals = Object.keys(edits).map((path) => [path, readFileSync(path, "utf8")] as const);
  for (const [path, original] of originals) writeFileSync(path, edits[path](original));
  const manifestsBefore = readdirSync(dirname(planPath)).filter((name) => name.endsWith("-manifest.json"));
  const refused = await commit(planPath);
  for (const [path, original] of originals) writeFileSync(path, original);
  expect(refused.code).toBe(code);
  expect(refused.stderr).toStartWith(`gold-digger: ${message}`);
  expect(refused.stderr.indexOf("\n")).toBe(refused.stderr.length - 1);
  expect(readdirSync(dirname(planPath)).filter((name) => name.endsWith("-manifest.json"))).toEqual(manifestsBefore);
}

const ok = (r: RunResult) => ({ code: r.code, stderr: r.stderr });
const OK = { code: 0, stderr: "" };

/** The parts' CSV files one after another, each header but the first dropped. */
function concatenated(texts: string[]): string {
  return texts.map((text, i) => (i === 0 ? text : text.slice(text.indexOf("\n") + 1))).join("");
}

async function single(query: string, output: string, extra: string[] = []): Promise<string> {
  const r = await gd(["--db-url", url(), "-q", query, "-o", output, ...extra]);
  expect(ok(r)).toEqual(OK);
  return readFileSync(output, "latin1");
}

describe("the parts are the single ORDER BY export", () => {
  test("local files: 4 parts concatenate to it byte for byte, and commit lists them with one binlog position", async () => {
    const { dir, planPath } = freshPlan();
    const run = await runParts(planPath, ["-q", "SELECT * FROM t", "--split-by", "id", "-o", join(dir, "t.csv")], 4);
    expectAllOk(run);
    const names = [0, 1, 2, 3].map((i) => `t-0000${i}.csv`);
    const whole = concatenated(names.map((name) => readFileSync(join(dir, name), "latin1")));
    expect(whole).toBe(await single("SELECT * FROM t ORDER BY id", join(dir, "single.csv")));

    expect(ok(await commit(planPath))).toEqual(OK);
    const manifest = JSON.parse(readFileSync(join(dir, "t-manifest.json"), "utf8"));
    expect(manifest.rows).toBe(20_000);
    expect(manifest.files.map((f: { name: string }) => f.name)).toEqual(names);
    expect(manifest.binlog.file).toMatch(/^gd-bin\.\d+$/);
    const perPart = [0, 1, 2, 3].map((i) => JSON.parse(readFileSync(join(dir, `t-0000${i}.manifest.json`), "utf8")));
    for (const part of perPart) expect(part.binlog).toEqual(manifest.binlog);
    expect(perPart.every((part) => part.rows > 0)).toBe(true);
    // The plan holds no password: each part brings its own connection.
    expect(readFileSync(planPath, "utf8")).not.toContain("mysql://");

    // A part that read another snapshot, or that another plan wrote, is no part of this dataset.
    const second = join(dir, "t-00002.manifest.json");
    const tamper = (change: (m: Record<string, unknown>) => void, message: string) =>
      expectCommitRefused(planPath, { [second]: (text) => JSON.stringify(changed(text, change)) }, `cannot commit the dataset: ${message}`);
    await tamper((m) => void (m.binlog = { ...perPart[2].binlog, position: perPart[2].binlog.position + 1 }), "part 2 read another snapshot than part 0");
    await tamper((m) => void (m.plan = "0123456789abcdef"), "part 2's manifest");
    await tamper((m) => void (m.columns = [{ name: "id", type: "INT" }]), "part 2 has other columns than part 0");
    expect(ok(await commit(planPath))).toEqual(OK);
  });

  test("S3: the plan, 3 parts and the manifests as objects; the same bytes", async () => {
    const dir = freshDir();
    const env = s3().env();
    const planUrl = `s3://${BUCKET}/ds1/plan.json`;
    const run = await runParts(planUrl, ["-q", "SELECT * FROM t", "--split-by", "id", "-o", `s3://${BUCKET}/ds1/t-{part}.csv`, "--csv-lf"], 3, {
      env,
      written: () => s3().object("ds1/plan.json") !== undefined,
    });
    expectAllOk(run);
    expect(ok(await commit(planUrl, env))).toEqual(OK);
    const texts = [0, 1, 2].map((i) => s3().object(`ds1/t-0000${i}.csv`)!.toString("latin1"));
    expect(concatenated(texts)).toBe(await single("SELECT * FROM t ORDER BY id", join(dir, "single.csv"), ["--csv-lf"]));
    const manifest = JSON.parse(s3().object("ds1/t-manifest.json")!.toString());
    expect(manifest.files.map((f: { bytes: number }) => f.bytes)).toEqual(texts.map((t) => Buffer.byteLength(t, "latin1")));
    expectNoSecrets(run.parts[0]);
    // A plan object is replaced only with --force.
    const again = ["plan", "--db-url", url(), "-q", "SELECT * FROM t", "--split-by", "id", "--parts", "3", "--plan", planUrl, "-o", `s3://${BUCKET}/ds1/t.csv`, "--consistency", "none"];
    const refused = await gd(again, { env });
    expect(refused).toMatchObject({ code: 2, stderr: `gold-digger: plan ${planUrl} exists; use --force to overwrite it\n` });
    expect(JSON.parse(s3().object("ds1/plan.json")!.toString()).consistency).toBe("snapshot");
    expect(ok(await gd([...again, "--force"], { env }))).toEqual(OK);
    expect(JSON.parse(s3().object("ds1/plan.json")!.toString()).consistency).toBe("none");
  });

  test("Parquet: DuckDB reads the parts as one table with the server's count and sums", async () => {
    const { dir, planPath } = freshPlan();
    const run = await runParts(planPath, ["-q", "SELECT id, amount FROM t", "--split-by", "id", "-o", join(dir, "t-{part}.parquet")], 3);
    expectAllOk(run);
    expect(ok(await commit(planPath))).toEqual(OK);
    const db = await duck();
    const [got] = await db.query(`SELECT count(*) AS n, sum(id)::VARCHAR AS ids, sum(amount)::VARCHAR AS amounts FROM read_parquet(${literal(join(dir, "t-*.parquet"))})`);
    const conn = await mariadb.createConnection({ socketPath: server().socket, user: "root", database: "pp" });
    try {
      const [want] = await conn.query("SELECT count(*) AS n, CAST(sum(id) AS CHAR) AS ids, CAST(sum(amount) AS CHAR) AS amounts FROM t");
      expect(got).toEqual({ n: String(want.n), ids: want.ids, amounts: want.amounts });
    } finally {
      await conn.end();
    }
  });
});

test("one snapshot across parts: a concurrent writer's total is exact over all parts", async () => {
  const stop = await startTransfers(server(), "pp", transactionalMove("acct"));
  try {
    // One reader per part, then two: every reader of every part joins the one snapshot.
    for (const readers of ["1", "2"]) {
      const { dir, planPath } = freshPlan();
      // A slow query, so the writer gets plenty done while the parts read.
      const query = ["-q", "SELECT id, amount, SLEEP(0.0002) AS s FROM acct", "--split-by", "id", "--parallel", readers];
      const result = await runParts(planPath, [...query, "-o", join(dir, "a.csv"), "--csv-lf"], 3);
      expectAllOk(result);
      const amounts = [0, 1, 2].flatMap((i) =>
        readFileSync(join(dir, `a-0000${i}.csv`), "latin1").trimEnd().split("\n").slice(1).map((line) => Number(line.split(",")[1])),
      );
      expect(amounts).toHaveLength(5000);
      expect(amounts.reduce((a, b) => a + b, 0)).toBe(5000 * 1000);
      expect(ok(await commit(planPath))).toEqual(OK);
    }
  } finally {
    expect(await stop()).toBeGreaterThan(10);
  }
}, 60_000);

describe("the barrier", () => {
  test("a part that comes after the barrier closed is refused (exit 4, naming --consistency none)", async () => {
    const { dir, planPath } = freshPlan();
    const run = await runParts(planPath, ["-q", "SELECT * FROM t", "--split-by", "id", "-o", join(dir, "t.csv")], 2);
    expect(ok(run.plan)).toEqual(OK);
    const late = await gd(["part", "--db-url", url(), "--plan", planPath, "--part", "1"]);
    expect(late.code).toBe(4);
    expect(late.stderr).toMatch(/^gold-digger: part 1 is late: .*--consistency none\n$/);
    // The late run left the part's earlier file and manifest as they were.
    expect(ok(await commit(planPath))).toEqual(OK);
  });

  test("a barrier that times out fails the plan, and every part that comes after it", async () => {
    const { dir, planPath } = freshPlan();
    const run = await runParts(planPath, ["-q", "SELECT * FROM t", "--split-by", "id", "-o", join(dir, "t.csv"), "--barrier-timeout", "2"], 3, { only: [0, 1] });
    expect(run.plan.code).toBe(4);
    expect(run.plan.stderr).toMatch(/^gold-digger: the barrier timed out after 2 s: part 2 did not open a snapshot in time.*--consistency none\n$/);
    for (const part of run.parts) expect(ok(part)).toEqual(OK);
    const after = await gd(["part", "--db-url", url(), "--plan", planPath, "--part", "2"]);
    expect(after.code).toBe(4);
    expect(after.stderr).toContain("part 2 is late");
    expect(existsSync(join(dir, "t-00002.csv"))).toBe(false);
  });

  test("a table without transactions is refused in snapshot mode (exit 2, naming it and --consistency none)", async () => {
    const { dir, planPath } = freshPlan();
    const r = await gd(["plan", "--db-url", url(), "-q", "SELECT * FROM m", "--split-by", "id", "--parts", "2", "--plan", planPath, "-o", join(dir, "m.csv")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^gold-digger: `pp`.`m` has no transactions.*--consistency none/);
    expect(existsSync(planPath)).toBe(false);
  });
});

test("a plan stopped at the barrier (SIGTERM) exits 143 and lets writers go at once", async () => {
  const { dir, planPath } = freshPlan();
  const plan = startGd(["plan", "--db-url", url(), "-q", "SELECT * FROM acct", "--split-by", "id", "--parts", "2", "--plan", planPath, "-o", join(dir, "a.csv")], { timeoutMs: 30_000 });
  await waitUntil("the plan is written", () => existsSync(planPath));
  const writer = await mariadb.createConnection({ socketPath: server().socket, user: "root", database: "pp" });
  try {
    await writer.query("SET SESSION lock_wait_timeout = 1");
    // Held by the plan: the writer waits, then gives up.
    await expect(writer.query("UPDATE acct SET amount = amount WHERE id = 1")).rejects.toThrow(/Lock wait timeout/);
    plan.child.kill("SIGTERM");
    expect((await plan.result).code).toBe(143);
    await writer.query("SET SESSION lock_wait_timeout = 5");
    await writer.query("UPDATE acct SET amount = amount WHERE id = 1");
  } finally {
    await writer.end();
  }
  // And the parts that come now are late.
  const late = await gd(["part", "--db-url", url(), "--plan", planPath, "--part", "0"]);
  expect(late.code).toBe(4);
});

describe("--consistency none", () => {
  test("a killed part, rerun, gives the same dataset", async () => {
    const { dir, planPath } = freshPlan();
    const query = ["-q", "SELECT id, name, SLEEP(0.0005) AS s FROM t", "--split-by", "id", "-o", join(dir, "t.csv"), "--consistency", "none"];
    const plan = await gd(["plan", "--db-url", url(), "--parts", "3", "--plan", planPath, ...query]);
    expect(plan.code).toBe(0);
    // Part 1, killed outright mid-export: no file under its name, no manifest.
    const killed = startGd(["part", "--db-url", url(), "--plan", planPath, "--part", "1"], { timeoutMs: 40_000 });
    await waitUntil("part 1 is writing", () => readdirTemps(dir) > 0);
    killed.child.kill("SIGKILL");
    await killed.result;
    expect(existsSync(join(dir, "t-00001.csv")) || existsSync(join(dir, "t-00001.manifest.json"))).toBe(false);
    const commitEarly = await commit(planPath);
    expect(commitEarly.code).toBe(4);
    const parts = await Promise.all([0, 1, 2].map((i) => gd(["part", "--db-url", url(), "--plan", planPath], { env: { JOB_COMPLETION_INDEX: String(i) }, timeoutMs: 40_000 })));
    for (const part of parts) expect(ok(part)).toEqual(OK);
    expect(ok(await commit(planPath))).toEqual(OK);
    const whole = concatenated([0, 1, 2].map((i) => readFileSync(join(dir, `t-0000${i}.csv`), "latin1")));
    expect(whole).toBe(await single("SELECT id, name, 0 AS s FROM t ORDER BY id", join(dir, "single.csv")));
    // A rerun of a committed part replaces only its own file and manifest.
    expect(ok(await gd(["part", "--db-url", url(), "--plan", planPath, "--part", "2"]))).toEqual(OK);
    expect(ok(await commit(planPath))).toEqual(OK);
  }, 60_000);

  test("commit refuses a missing part, a manifest that is not one or not its file's, a file gone, no rows; and writes nothing", async () => {
    const { dir, planPath } = freshPlan();
    const query = ["-q", "SELECT * FROM t", "--split-by", "id", "-o", join(dir, "t.csv"), "--consistency", "none"];
    expect((await gd(["plan", "--db-url", url(), "--parts", "3", "--plan", planPath, ...query])).code).toBe(0);
    for (const i of [0, 2]) expect(ok(await gd(["part", "--db-url", url(), "--plan", planPath, "--part", String(i)]))).toEqual(OK);
    const missing = join(dir, "t-00001.manifest.json");
    await expectCommitRefused(planPath, {}, `cannot commit the dataset: part 1 is missing (no ${missing})`);
    expect(existsSync(join(dir, "t-manifest.json"))).toBe(false);
    // A part's file without its manifest (a part that died between the two) is missing too.
    expect(ok(await gd(["part", "--db-url", url(), "--plan", planPath, "--part", "1"]))).toEqual(OK);
    const manifest = readFileSync(missing, "utf8");
    rmSync(missing);
    await expectCommitRefused(planPath, {}, `cannot commit the dataset: part 1 is missing (no ${missing})`);
    writeFileSync(missing, manifest);
    const committed = await commit(planPath, undefined, ["--verbose"]);
    expect(committed.code).toBe(0);
    expect(committed.stderr).toContain(`committed 3 parts, 20000 rows: ${join(dir, "t-manifest.json")}`);
    rmSync(join(dir, "t-manifest.json"));

    // A manifest that is not one, or that does not describe its file; a file gone; no rows at all.
    const manifests = [0, 1, 2].map((i) => join(dir, `t-0000${i}.manifest.json`));
    await expectCommitRefused(planPath, { [missing]: (text) => text.slice(0, 20) }, `cannot commit the dataset: part 1's manifest ${missing} is not JSON`);
    const describes = `part 1's manifest ${missing} does not describe its file t-00001.csv (rows, bytes, sha256)`;
    await expectCommitRefused(planPath, { [missing]: (text) => JSON.stringify(changed(text, (m: any) => void (m.files[0].name = "t-00002.csv"))) }, `cannot commit the dataset: ${describes}`);
    await expectCommitRefused(planPath, { [missing]: (text) => JSON.stringify(changed(text, (m: any) => void (m.files[0].rows = -1))) }, `cannot commit the dataset: ${describes}`);
    const noRows = (text: string) => JSON.stringify(changed(text, (m: any) => void (m.files[0].rows = 0)));
    await expectCommitRefused(planPath, Object.fromEntries(manifests.map((path) => [path, noRows])), "the query returned no rows in any part (--allow-empty to commit an empty dataset)", 1);
    rmSync(join(dir, "t-00001.csv"));
    await expectCommitRefused(planPath, {}, `cannot commit the dataset: part 1's file ${join(dir, "t-00001.csv")} is missing`);
  });
});

/** How many temp files an export left in `dir` (.NAME.PID.TIME.tmp). */
function readdirTemps(dir: string): number {
  return readdirSync(dir).filter((name) => name.endsWith(".tmp")).length;
}
