// Secrets in what the CLI prints before it connects: --dump-config and the URL's own messages.
// Run in process: nothing here reaches a server.
import { describe, expect, test } from "bun:test";
import { runCli, type CliIo } from "../../src/cli/run.ts";

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { env: {}, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), stdoutIsTty: false, stderrIsTty: false };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** `text` as a literal in SQL. */
const sqlString = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;

describe("--dump-config: the URL password nowhere, however it appears", () => {
  // Long enough to hunt for anywhere: raw, percent-encoded, with what JSON escapes, non-ASCII.
  const passwords = ["hunter22", "p@ss/w0rd%?#", 'q"uo\\te1', "päss wörd", "Tab\tBell\x07"];
  test.each(passwords)("%p: in the URL, another URL parameter and the query", async (password) => {
    const encoded = encodeURIComponent(password);
    const forms = [password, encoded, encoded.toLowerCase(), JSON.stringify(password).slice(1, -1)];
    const url = `mysql://app:${encoded}@db.example:3307/shop?ssl-ca=/certs/${encoded}.pem&note=`;
    const query = `SELECT * FROM t WHERE a = ${sqlString(password)} AND b LIKE '%${encoded}%'`;
    // The URL is resolved, so one with the password raw in a parameter is refused, without it.
    const raw = await cli(["--dump-config", "--db-url", url + password.replace(/[&#%\s]/g, encodeURIComponent), "-q", query, "-o", "x.csv"]);
    for (const form of forms) expect(raw.stdout + raw.stderr).not.toContain(form);
    const r = await cli(["--dump-config", "--db-url", url + encoded, "-q", query, "-o", `${encoded}.csv`]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    for (const form of forms) expect(r.stdout).not.toContain(form);
    const dump = JSON.parse(r.stdout);
    expect(dump.dbUrl).toMatch(/^mysql:\/\/app:\*\*\*(@db\.example:3307\/shop\?ssl-ca=\/certs\/\*\*\*\.pem&note=\*\*\*)?$/);
    expect(dump.query).toBe("SELECT * FROM t WHERE a = '***' AND b LIKE '%***%'");
    expect(dump.output).toBe("***.csv");
  });

  test("a password under 6 characters is masked where it stands as one, and left alone elsewhere (masking every 'pw1' would garble)", async () => {
    const r = await cli(["--dump-config", "--db-url", "mysql://app:pw1@db/shop?ssl-ca=/certs/pw1.pem", "-q", "SELECT 'pw1', PASSWORD('pw1')", "-o", "x.csv"]);
    expect(r.code).toBe(0);
    const dump = JSON.parse(r.stdout);
    expect(dump.dbUrl).toBe("mysql://app:***@db/shop?ssl-ca=/certs/pw1.pem");
    expect(dump.query).toBe("SELECT 'pw1', PASSWORD('***')");
  });

  test.each(["password", "PWD", "pass", "passwd"])("a ?%s= value is hunted everywhere, as a URL password is", async (name) => {
    const secret = "Param-Secret-7";
    const url = `mysql://app@db/shop?${name}=${encodeURIComponent(secret)}`;
    const r = await cli(["--dump-config", "--db-url", url, "-q", `SELECT '${secret}' AS echo`, "-o", `${secret}.csv`]);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect(JSON.parse(r.stdout)).toMatchObject({ query: "SELECT '***' AS echo", output: "***.csv" });
  });

  test("from DATABASE_URL too", async () => {
    let stdout = "";
    const io: CliIo = { env: { DATABASE_URL: "mysql://app:Env%2DSecret9@db/x" }, stdout: (t) => void (stdout += t), stderr: () => {}, stdoutIsTty: false, stderrIsTty: false };
    expect(await runCli(["--dump-config", "-q", "SELECT 'Env-Secret9'", "-o", "x.csv"], io)).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ dbUrl: "mysql://app:***@db/x", query: "SELECT '***'" });
  });
});

describe("the URL's messages show how to write it, and mask the password in it", () => {
  test.each(["app:hunter22@db/shop", "db.example/shop", "", "//app:hunter22@db"])("no scheme: %p", async (url) => {
    const r = await cli(["--db-url", url || " ", "-q", "SELECT 1", "-o", "x.csv"]);
    expect(r).toEqual({ code: 2, stdout: "", stderr: "gold-digger: the database URL must look like mysql://USER:PASSWORD@HOST:PORT/DATABASE\n" });
  });

  test.each([
    ["mysql://app:hunter22/shop", "mysql://app:***/shop"],
    ["mysql://app:hunter22:3306/shop", "mysql://app:***/shop"],
    ["mysql://app:PASSWORD/shop", "mysql://app:***/shop"],
  ])("a password and no host: %p", async (url, shown) => {
    const r = await cli(["--db-url", url, "-q", "SELECT 1", "-o", "x.csv"]);
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: `gold-digger: invalid database URL ${shown}: after a host comes a port, a number from 1 to 65535; credentials go before the host: mysql://USER:PASSWORD@HOST:PORT/DATABASE\n`,
    });
  });
});
