// Connection, URL and query failures: each exits with the contract's code and one line,
// before any output file appears. All run as the "sweep" account (see test/support/faults.ts).
import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { freePort } from "../../src/devdb/private-server.ts";
import {
  addSweepAccounts,
  expectFailure,
  expectNoSecrets,
  HANG_MS,
  SWEEP_PASSWORD_URL,
  sweepUrl,
  TEST_MS,
  WRONG_PASSWORD,
} from "../support/faults.ts";
import { gdInProcess, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const dir = useTempDir();
beforeAll(() => addSweepAccounts(server()));

const out = (name: string) => join(dir(), `${name}.csv`);
const run = (url: string, query: string, output: string) =>
  gdInProcess(["--db-url", url, "-q", query, "-o", output, "--connect-timeout", "5"], { timeoutMs: HANG_MS });

describe("cannot connect or authenticate: exit 3", () => {
  test(
    "wrong password",
    async () => {
      const output = out("wrong-password");
      const r = await run(sweepUrl(server().port, { password: WRONG_PASSWORD }), "SELECT 1", output);
      expectFailure(r, { code: 3, output, message: /Access denied for user 'sweep'/ });
    },
    TEST_MS,
  );

  test(
    "unknown database",
    async () => {
      const output = out("unknown-db");
      const r = await run(sweepUrl(server().port, { db: "no_such_db" }), "SELECT 1", output);
      expectFailure(r, { code: 3, output, message: /Unknown database 'no_such_db'/ });
    },
    TEST_MS,
  );

  test(
    "refusing port",
    async () => {
      // A port that was free a moment ago: nothing listens, the kernel refuses at once.
      const output = out("refused");
      const r = await run(sweepUrl(await freePort()), "SELECT 1", output);
      expectFailure(r, { code: 3, output, message: /ECONNREFUSED/ });
    },
    TEST_MS,
  );
});

describe("malformed URL: exit 2", () => {
  test(
    "port is not a number",
    async () => {
      const output = out("bad-port");
      const r = await run(`mysql://sweep:${SWEEP_PASSWORD_URL}@127.0.0.1:notaport/gd`, "SELECT 1", output);
      expectFailure(r, { code: 2, output, message: /invalid database URL .*port/ });
    },
    TEST_MS,
  );

  test.each([
    ["a password and no @host", `mysql://sweep:${SWEEP_PASSWORD_URL}/gd`],
    ["a password, a port and no @host", `mysql://sweep:${SWEEP_PASSWORD_URL}:3306/gd`],
  ])(
    "%s: the password is masked in the error and in --dump-config",
    async (_name, url) => {
      const output = out("no-host");
      const r = await run(url, "SELECT 1", output);
      expectFailure(r, { code: 2, output, message: /invalid database URL mysql:\/\/sweep:\*\*\*[/:].*USER:PASSWORD@HOST/ });
      // --dump-config resolves the connection too: the same refusal.
      const dump = await gdInProcess(["--db-url", url, "-q", "SELECT 1", "-o", output, "--dump-config"], { timeoutMs: HANG_MS });
      expect({ code: dump.code, stderr: dump.stderr }).toEqual({ code: 2, stderr: r.stderr });
      expectNoSecrets(dump);
    },
    TEST_MS,
  );

  test(
    "no scheme",
    async () => {
      const output = out("no-scheme");
      const r = await run(`sweep:${SWEEP_PASSWORD_URL}@127.0.0.1/gd`, "SELECT 1", output);
      expectFailure(r, { code: 2, output, message: /database URL must look like/ });
    },
    TEST_MS,
  );
});

describe("the query fails: exit 4", () => {
  test(
    "SQL syntax error",
    async () => {
      const output = out("syntax");
      const r = await run(sweepUrl(server().port), "SELEC 1 FORM nowhere", output);
      expectFailure(r, { code: 4, output, message: /error in your SQL syntax/ });
    },
    TEST_MS,
  );

  test(
    "unknown table",
    async () => {
      const output = out("unknown-table");
      const r = await run(sweepUrl(server().port), "SELECT * FROM no_such_table", output);
      expectFailure(r, { code: 4, output, message: /Table 'gd.no_such_table' doesn't exist/ });
    },
    TEST_MS,
  );

  test(
    "a syntax error quoting a short password literal: masked at any length",
    async () => {
      const output = out("short-literal");
      const r = await run(sweepUrl(server().port), "CREATE USERR bob IDENTIFIED BY 'abc12'", output);
      expectFailure(r, { code: 4, output, message: /near 'USERR bob IDENTIFIED BY '\*\*\*'' at line 1\n$/ });
      expect(r.stderr).not.toContain("abc12");
    },
    TEST_MS,
  );

  test(
    "missing SELECT privilege",
    async () => {
      const output = out("no-privilege");
      const r = await run(sweepUrl(server().port, { user: "nosel" }), "SELECT * FROM t", output);
      expectFailure(r, { code: 4, output, message: /SELECT command denied to user 'nosel'/ });
    },
    TEST_MS,
  );
});
