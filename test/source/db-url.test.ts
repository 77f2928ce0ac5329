import { describe, expect, test } from "bun:test";
import { ExitCode, GdError } from "../../src/errors.ts";
import { resolveConnection } from "../../src/cli/connection-target.ts";
import { formatHostPort } from "../../src/source/connection/db-url.ts";
import { planTls } from "../../src/source/connection/tls.ts";

/** The target of a URL alone, no option file. */
const parseDbUrl = (url: string) => resolveConnection({ url, source: "--db-url" }, { settings: {}, warnings: [] }).target;

/** Asserts a configError (exit 2) whose message never contains `secret`; returns the message. */
function rejects(url: string, secret = "s3cr3t"): string {
  let caught: unknown;
  try {
    parseDbUrl(url);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(GdError);
  const error = caught as GdError;
  expect(error.exitCode).toBe(ExitCode.Config);
  expect(error.message).not.toContain(secret);
  return error.message;
}

describe("parseDbUrl", () => {
  test("reads every part of a full URL", () => {
    expect(parseDbUrl("mysql://alice:pw@db.example.com:3307/shop")).toEqual({
      host: "db.example.com",
      port: 3307,
      user: "alice",
      password: "pw",
      database: "shop",
      ignoredParams: [],
    });
  });

  test("defaults: port 3306, no password, no database", () => {
    const target = parseDbUrl("mariadb://bob@localhost");
    expect(target).toEqual({ host: "localhost", port: 3306, user: "bob", password: "", ignoredParams: [] });
    expect(target.database).toBeUndefined();
    expect(parseDbUrl("mysql://h/").database).toBeUndefined();
  });

  test("no user info at all", () => {
    expect(parseDbUrl("mysql://h:1/d")).toMatchObject({ user: "", password: "", host: "h", port: 1, database: "d" });
  });

  test("scheme is case-insensitive", () => {
    expect(parseDbUrl("MySQL://u@h").host).toBe("h");
    expect(parseDbUrl("MARIADB://u@h").host).toBe("h");
  });

  test("percent-decodes user, password and database", () => {
    const target = parseDbUrl("mysql://us%40er:p%40%3A%2F%25%23%3F%20x@h/my%20db");
    expect(target.user).toBe("us@er");
    expect(target.password).toBe("p@:/%#? x");
    expect(target.database).toBe("my db");
  });

  test("a password with a raw '@' or ':' splits at the last '@' and the first ':'", () => {
    expect(parseDbUrl("mysql://u:p@ss:w@rd@h/db")).toMatchObject({ user: "u", password: "p@ss:w@rd", host: "h", database: "db" });
  });

  test("IPv6 literals in brackets, with and without port", () => {
    expect(parseDbUrl("mysql://u:p@[::1]:3310/db")).toMatchObject({ host: "::1", port: 3310 });
    expect(parseDbUrl("mysql://u@[2001:db8::7]/db")).toMatchObject({ host: "2001:db8::7", port: 3306 });
  });

  test("ssl-mode in any key spelling and value case", () => {
    expect(parseDbUrl("mysql://u@h/db?ssl-mode=verify_identity").sslMode).toBe("VERIFY_IDENTITY");
    expect(parseDbUrl("mysql://u@h/db?sslmode=Required").sslMode).toBe("REQUIRED");
    expect(parseDbUrl("mysql://u@h/db?ssl_mode=DISABLED").sslMode).toBe("DISABLED");
    expect(parseDbUrl("mysql://u@h/db?SSL-Mode=verify-ca").sslMode).toBe("VERIFY_CA");
    expect(parseDbUrl("mysql://u@h/db?ssl-mode=preferred").sslMode).toBe("PREFERRED");
    expect(parseDbUrl("mysql://u@h/db").sslMode).toBeUndefined();
  });

  test("socketPath (or socket) selects a unix socket, with or without a host", () => {
    expect(parseDbUrl("mysql://u:p@/db?socketPath=%2Frun%2Fmysqld%2Fmysqld.sock")).toMatchObject({
      socketPath: "/run/mysqld/mysqld.sock",
      host: "localhost",
      database: "db",
    });
    expect(parseDbUrl("mysql://u@dbhost/db?socket=/tmp/my.sock&ssl-mode=disabled")).toMatchObject({
      socketPath: "/tmp/my.sock",
      host: "dbhost",
      sslMode: "DISABLED",
    });
  });

  test("ignores unknown query parameters, listing their names as written", () => {
    expect(parseDbUrl("mysql://u@h/db?charset=utf8mb4&&flag&Time%20out=5&")).toEqual({
      host: "h",
      port: 3306,
      user: "u",
      password: "",
      database: "db",
      ignoredParams: ["charset", "flag", "Time out"],
    });
    const target = parseDbUrl("mysql://u@h/db?ssl-ca=%2Fetc%2Fca.pem&ssl-mode=REQUIRED&socket=/s");
    expect(target).toMatchObject({ sslMode: "REQUIRED", socketPath: "/s", ignoredParams: ["ssl-ca"] });
  });

  test("rejects what is not a URL, without echoing it", () => {
    expect(rejects("user:s3cr3t@example.com/db")).not.toContain("example.com");
    expect(rejects("")).toContain("must look like mysql://");
    expect(rejects("mysql:/u:s3cr3t@h")).toContain("must look like mysql://");
  });

  test("rejects other schemes, naming the scheme only", () => {
    const message = rejects("postgres://u:s3cr3t@h/db");
    expect(message).toContain('"postgres"');
    expect(message).not.toContain("@h");
  });

  test("rejects bad ports", () => {
    for (const port of ["0", "65536", "99999", "abc", "", "12a", "-1", "123456"]) {
      expect(rejects(`mysql://u:s3cr3t@h:${port}/db`)).toContain("port");
    }
    expect(parseDbUrl("mysql://u@h:65535").port).toBe(65535);
  });

  test("rejects an empty host unless a socket is given", () => {
    expect(rejects("mysql://u:s3cr3t@/db")).toContain("no host");
    expect(rejects("mysql://u:s3cr3t@:3306/db")).toContain("no host");
  });

  test("rejects malformed hosts", () => {
    expect(rejects("mysql://u:s3cr3t@::1/db")).toContain("brackets");
    expect(rejects("mysql://u:s3cr3t@[::1/db")).toContain("IPv6");
    expect(rejects("mysql://u:s3cr3t@[zz]/db")).toContain("IPv6");
    expect(rejects("mysql://u:s3cr3t@[::1]x/db")).toContain("IPv6");
    expect(rejects("mysql://u:s3cr3t@ho%20st/db")).toContain("host");
  });

  test("rejects a bad ssl-mode, listing the valid ones", () => {
    const message = rejects("mysql://u:s3cr3t@h/db?ssl-mode=sometimes");
    expect(message).toContain("VERIFY_IDENTITY");
    expect(rejects("mysql://u:s3cr3t@h/db?sslmode=")).toContain("ssl-mode");
  });

  test("rejects an empty socketPath", () => {
    expect(rejects("mysql://u:s3cr3t@h/db?socketPath=")).toContain("socketPath");
  });

  test("rejects a password with an unencoded '/', '?' or '#', never leaking any part of it", () => {
    // Each would otherwise parse as host "u" and a port or database made of the password.
    for (const url of ["mysql://u:12/s3cr3t@h/db", "mysql://u:12?s3cr3t@h/db", "mysql://u:12#s3cr3t@h/db"]) {
      const message = rejects(url);
      expect(message).toContain("percent-encode");
      expect(message).not.toContain("12");
    }
  });

  test("rejects a fragment and extra path segments", () => {
    expect(rejects("mysql://u:s3cr3t@h/db#frag")).toContain("#");
    expect(rejects("mysql://u:s3cr3t@h/db/extra")).toContain("'/'");
  });

  test("rejects bad percent-escapes, naming the part but not its value", () => {
    expect(rejects("mysql://u:s3cr3t%zz@h/db", "s3cr3t")).toContain("password");
    expect(rejects("mysql://u%zz:s3cr3t@h/db")).toContain("user name");
    expect(rejects("mysql://u:s3cr3t@h/d%E0")).toContain("database");
  });

  test("rejects whitespace without echoing the URL", () => {
    const message = rejects("mysql://u:s3 cr3t@h/db", "cr3t");
    expect(message).not.toContain("s3");
    expect(message).toContain("%20");
  });

  test("the message shows the URL with the password masked", () => {
    expect(rejects("mysql://alice:s3cr3t@h:0/db")).toContain("mysql://alice:***@h:0/db");
    // Percent-encoded passwords are masked as written.
    expect(rejects("mysql://alice:s3cr3t%40x@h:0/db", "s3cr3t")).toContain("alice:***@h");
  });
});

describe("formatHostPort", () => {
  test("brackets an IPv6 address, leaves names and IPv4 alone", () => {
    expect(formatHostPort(parseDbUrl("mysql://u@[::1]:37600/db"))).toBe("[::1]:37600");
    expect(formatHostPort(parseDbUrl("mysql://u@[2001:db8::7]/db"))).toBe("[2001:db8::7]:3306");
    expect(formatHostPort(parseDbUrl("mysql://u@127.0.0.1:3307/db"))).toBe("127.0.0.1:3307");
    expect(formatHostPort({ host: "db.example", port: 1 })).toBe("db.example:1");
  });
});

describe("loopback hosts, however written, get the local default (TLS when offered, unverified)", () => {
  const plan = (host: string) => planTls(parseDbUrl(`mysql://u@${host}/db`), { mode: "default" });

  test.each(["[0:0:0:0:0:0:0:1]", "[::0001]", "[0000::1]", "[::1]", "[::ffff:127.0.0.1]", "127.0.0.1", "127.1.2.3", "LOCALHOST"])("%s", (host) => {
    expect(plan(host)).toMatchObject({ fallbackToPlain: true, description: expect.stringContaining("PREFERRED") });
  });

  test.each(["[::2]", "[0:0:0:0:0:0:1:1]", "[::ffff:10.0.0.1]", "128.0.0.1", "db.example"])("%s is remote: verified TLS", (host) => {
    expect(plan(host)).toMatchObject({ fallbackToPlain: false, description: "TLS, fully verified" });
  });

  test("an IPv6 host keeps its canonical spelling", () => {
    expect(parseDbUrl("mysql://u@[0:0:0:0:0:0:0:1]:3307/db")).toMatchObject({ host: "::1", port: 3307 });
    expect(formatHostPort(parseDbUrl("mysql://u@[2001:DB8:0::7]/db"))).toBe("[2001:db8::7]:3306");
  });
});
