// Option files against a real server: what they give, what the URL overrides, socket or TCP,
// and the command line's rules for the flags that choose them.
import { beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HANG_MS, TEST_MS } from "../support/faults.ts";
import { gd, usePrivateServer, useTempDir, type RunOptions } from "../support/harness.ts";

const server = usePrivateServer();
const dir = useTempDir();
const PASSWORD = "opt-Files-pw1";
const WHO = "SELECT CURRENT_USER() AS who, (SELECT host FROM information_schema.processlist WHERE id = CONNECTION_ID()) LIKE 'localhost%' AS socket";

beforeAll(async () => {
  await server().sql([
    `CREATE USER 'reader'@'%' IDENTIFIED BY '${PASSWORD}'`,
    `CREATE USER 'reader'@'localhost' IDENTIFIED BY '${PASSWORD}'`,
    "GRANT SELECT ON *.* TO 'reader'@'%'",
    "GRANT SELECT ON *.* TO 'reader'@'localhost'",
  ]);
});

/** A fresh HOME whose ~/.my.cnf holds `text`. */
function homeWith(text: string, name: string): string {
  const home = join(dir(), name);
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, ".my.cnf"), text);
  chmodSync(join(home, ".my.cnf"), 0o600);
  return home;
}

async function run(args: string[], home: string, options: RunOptions = {}) {
  const r = await gd([...args, "-q", WHO, "-o", "-", "-f", "csv"], { timeoutMs: HANG_MS, ...options, env: { HOME: home, ...options.env } });
  return { code: r.code, stdout: r.stdout.toString(), stderr: r.stderr };
}

const tcp = "who,socket\r\nreader@%,0\r\n";
const socket = "who,socket\r\nreader@localhost,1\r\n";

describe("what option files give", () => {
  test(
    "the whole connection, with no URL at all",
    async () => {
      const home = homeWith(`[client]\nuser=reader\npassword="${PASSWORD}"  # quoted\nhost=127.0.0.1\nport=${server().port}\n`, "whole");
      expect(await run([], home)).toEqual({ code: 0, stdout: tcp, stderr: "" });
    },
    TEST_MS,
  );

  test(
    "a password only the option file gives, beside a URL without one",
    async () => {
      const home = homeWith(`[client-server]\nloose_password=${PASSWORD}\nuser=nobody\n`, "password-only");
      expect(await run(["--db-url", `mysql://reader@127.0.0.1:${server().port}/`], home)).toEqual({ code: 0, stdout: tcp, stderr: "" });
      // Without the file the same URL is denied: the password came from it.
      expect((await run(["--no-defaults", "--db-url", `mysql://reader@127.0.0.1:${server().port}/`], home)).code).toBe(3);
    },
    TEST_MS,
  );

  test(
    "a wrong password in the URL beats the right one in ~/.my.cnf: exit 3, neither printed",
    async () => {
      const home = homeWith(`[client]\npassword=${PASSWORD}\n`, "wrong-url");
      const r = await run(["--db-url", `mysql://reader:Wrong-pw-123@127.0.0.1:${server().port}/`], home);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^gold-digger: cannot connect to 127\.0\.0\.1:\d+: Access denied for user 'reader'/);
      expect(r.stderr + r.stdout).not.toMatch(/Wrong-pw-123|opt-Files-pw1/);
    },
    TEST_MS,
  );

  test(
    "--dump-config says where each part came from, and shows no password",
    async () => {
      const home = homeWith(`[client]\nuser=reader\npassword=${PASSWORD}\n[gold-digger]\ndatabase=mysql\n`, "dump");
      const r = await gd(["--db-url", `mysql://127.0.0.1:${server().port}`, "-q", "SELECT 1", "-o", "x.csv", "--dump-config"], { env: { HOME: home, DATABASE_URL: "mysql://ignored@h" } });
      expect(r.code).toBe(0);
      const file = join(home, ".my.cnf");
      expect(JSON.parse(r.stdout.toString()).connection).toEqual({
        host: "127.0.0.1 (from --db-url)",
        port: `${server().port} (from --db-url)`,
        user: `reader (from ${file} [client])`,
        password: `*** (from ${file} [client])`,
        database: `mysql (from ${file} [gold-digger])`,
      });
      expect(r.stdout.toString()).not.toContain(PASSWORD);
    },
    TEST_MS,
  );
});

describe("socket or TCP, as the client decides", () => {
  test(
    "the file's socket for host localhost or no host; not for another host; never beside a URL's host",
    async () => {
      const { port, socket: path } = server();
      const files = (text: string, name: string) => homeWith(`[client]\nuser=reader\npassword=${PASSWORD}\n${text}`, name);
      // The port is no server's: the socket must have been used.
      expect(await run([], files(`host=localhost\nport=1\nsocket=${path}\n`, "sock-localhost"))).toEqual({ code: 0, stdout: socket, stderr: "" });
      expect(await run([], files(`socket=${path}\n`, "sock-nohost"))).toEqual({ code: 0, stdout: socket, stderr: "" });
      expect(await run(["--db-url", "mysql:///"], files(`socket=${path}\n`, "sock-hostless-url"))).toEqual({ code: 0, stdout: socket, stderr: "" });
      // A host other than localhost: TCP, the socket unused (it does not exist).
      expect(await run([], files(`host=127.0.0.1\nport=${port}\nsocket=/nonexistent.sock\n`, "tcp-host"))).toEqual({ code: 0, stdout: tcp, stderr: "" });
      expect(await run(["--db-url", `mysql://localhost:${port}`], files("socket=/nonexistent.sock\n", "tcp-url-host"))).toEqual({ code: 0, stdout: tcp, stderr: "" });
      expect(await run(["--db-url", `mysql://h/?socketPath=${encodeURIComponent(path)}`], files("socket=/nonexistent.sock\n", "url-socket"))).toEqual({ code: 0, stdout: socket, stderr: "" });
    },
    TEST_MS,
  );
});

describe("what is wrong with the files", () => {
  test(
    "world-writable and unreadable files: ignored with a warning; an unreadable --defaults-file: exit 2",
    async () => {
      const home = homeWith(`[client]\nuser=reader\npassword=${PASSWORD}\nhost=127.0.0.1\nport=${server().port}\n`, "warn");
      const global = join(dir(), "global.cnf");
      writeFileSync(global, "[client]\nuser=someone-else\n");
      chmodSync(global, 0o666);
      const unreadable = join(dir(), "unreadable.cnf");
      writeFileSync(unreadable, "[client]\nuser=someone-else\n");
      chmodSync(unreadable, 0o000);
      // Root reads any file: without its capability to, as any other user.
      const shell = process.getuid?.() === 0 ? 'exec setpriv --inh-caps=-dac_override,-dac_read_search --bounding-set=-dac_override,-dac_read_search bun "$0" "$@"' : undefined;
      const env = { GOLD_DIGGER_GLOBAL_OPTION_FILES: `${global}:${unreadable}` };
      expect(await run([], home, { env, shell })).toEqual({
        code: 0,
        stdout: tcp,
        stderr: `warning: world-writable option file ${global} is ignored\nwarning: cannot read option file ${unreadable}: permission denied; ignored\n`,
      });
      const r = await run(["--defaults-file", unreadable], home, { shell });
      expect(r).toEqual({ code: 2, stdout: "", stderr: `gold-digger: cannot read --defaults-file ${unreadable}: permission denied\n` });
    },
    TEST_MS,
  );

  test(
    "a bare password (the client would prompt) and a bad port: exit 2, naming the file",
    async () => {
      const bare = homeWith("[client]\npassword\nhost=127.0.0.1\n", "bare");
      expect((await run([], bare)).stderr).toMatch(/^gold-digger: 'password' without a value in .*bare\/\.my\.cnf \[client\] asks the mariadb client to prompt/);
      // A password in the URL: the file's is never asked for.
      expect((await gd(["--db-url", "mysql://u:given@h", "-q", "SELECT 1", "-o", "x.csv", "--dump-config"], { env: { HOME: bare } })).code).toBe(0);
      const port = homeWith("[client]\nport=33o6\n", "bad-port");
      expect(await run(["--db-url", "mysql://u@h"], port)).toMatchObject({ code: 2, stderr: expect.stringContaining("port must be a number from 1 to 65535 in ") });
    },
    TEST_MS,
  );
});

describe("the flags that choose the files", () => {
  test.each([
    [["-v", "--no-defaults"], "gold-digger: --no-defaults must come first on the command line, before -v (as in the mariadb client)\n"],
    [["--db-url=mysql://u@h", "--defaults-file=x.cnf"], "gold-digger: --defaults-file must come first on the command line, before --db-url (as in the mariadb client)\n"],
    [["--no-defaults", "--defaults-extra-file", "x.cnf"], "gold-digger: --no-defaults and --defaults-extra-file conflict: give one\n"],
    [["--defaults-file", "a.cnf", "--defaults-extra-file", "b.cnf"], "gold-digger: --defaults-file and --defaults-extra-file conflict: give one\n"],
  ])("%p: exit 2", async (args, stderr) => {
    const r = await gd([...args, "-q", "SELECT 1", "-o", "-", "-f", "csv"]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr });
  });

  test(
    "--defaults-file reads that file only; --defaults-extra-file adds one before ~/.my.cnf",
    async () => {
      const home = homeWith(`[client]\nuser=reader\nhost=127.0.0.1\nport=${server().port}\n`, "flags");
      const only = join(dir(), "only.cnf");
      writeFileSync(only, `[client]\npassword=${PASSWORD}\n`);
      expect((await run(["--defaults-file", only, "--db-url", "mysql://reader@127.0.0.1:1"], home)).code).toBe(3);
      expect(await run([`--defaults-extra-file=${only}`], home)).toEqual({ code: 0, stdout: tcp, stderr: "" });
      const home2 = homeWith(`[client]\nuser=reader\npassword=${PASSWORD}\nhost=127.0.0.1\nport=${server().port}\n`, "flags2");
      expect(await run(["--defaults-file", join(home2, ".my.cnf")], home)).toEqual({ code: 0, stdout: tcp, stderr: "" });
    },
    TEST_MS,
  );
});
