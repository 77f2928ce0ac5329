import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseFlags } from "../../src/cli/command.ts";
import { configWarnings, inferFromPath, resolveConfig } from "../../src/cli/resolve-config.ts";
import type { GdError } from "../../src/errors.ts";
import { planTls } from "../../src/source/connection/tls.ts";
import { NO_OPTION_FILES, useTempDir } from "../support/harness.ts";

const warningsFor = (...argv: string[]) =>
  configWarnings(resolveConfig(parseFlags(["--db-url", "mysql://u@h/d", "-q", "SELECT 1", ...argv]).flags, NO_OPTION_FILES, 0, false));

describe("inferFromPath", () => {
  test("format and compression from the extensions, case-insensitively", () => {
    expect(inferFromPath("dir.v2/Out.CSV.Gz")).toEqual({ format: "csv", compression: "gzip" });
    expect(inferFromPath("x.jsonl.zst")).toEqual({ format: "ndjson", compression: "zstd" });
    expect(inferFromPath("access.LTSV.gz")).toEqual({ format: "ltsv", compression: "gzip" });
    expect(inferFromPath("x.gz")).toEqual({ format: undefined, compression: "none" });
    expect(inferFromPath("noext")).toEqual({ format: undefined, compression: "none" });
  });

  test("a name like an Object property is no format", () => {
    expect(inferFromPath("x.constructor")).toEqual({ format: undefined, compression: "none" });
    expect(inferFromPath("x.csv.toString")).toEqual({ format: undefined, compression: "none" });
  });
});

describe("configWarnings", () => {
  test.each([
    [["-o", "x.csv.zst", "--compress", "gzip"], ["writing gzip to a .zst file"]],
    [["-o", "x.csv.gz", "--compress", "none"], ["writing uncompressed data to a .gz file"]],
    [["-o", "x.csv", "--compress", "zstd"], ["writing zstd to a .csv file"]],
    [["-o", "out.csv", "-f", "json"], ["writing json to a .csv file"]],
    [["-o", "out.CSV.gz", "-f", "tsv", "--compress", "zstd"], ["writing tsv to a .csv file", "writing zstd to a .gz file"]],
  ])("%p warns %p", (argv, warnings) => {
    expect(warningsFor(...argv)).toEqual(warnings);
  });

  test.each([
    [["-o", "x.csv.gz", "--compress", "gzip", "-f", "CSV"]],
    [["-o", "x.txt", "-f", "tsv"]],
    [["-o", "dump", "-f", "csv", "--compress", "gzip"]],
    [["-o", "-", "-f", "json", "--compress", "zstd"]],
  ])("%p: nothing to warn about", (argv) => {
    expect(warningsFor(...argv)).toEqual([]);
  });
});

describe("resolveConfig: numbers and TLS", () => {
  // The URL from the environment, so a test may give its own with --db-url.
  const resolve = (...argv: string[]) =>
    resolveConfig(parseFlags(["-q", "SELECT 1", "-o", "x.csv", ...argv]).flags, { ...NO_OPTION_FILES, DATABASE_URL: "mysql://u@h/d" }, 0, false);
  const refusal = (...argv: string[]) => {
    try {
      resolve(...argv);
    } catch (error) {
      return { code: (error as GdError).exitCode, message: (error as Error).message };
    }
    return undefined;
  };

  test.each([" ", "", "0x2", "1e1", "-1", "+2", "2.0", "65"])("--workers %p is exit 2", (raw) => {
    // An empty value is refused by parseFlags, the rest by the range check.
    expect(refusal("--workers", raw)?.code).toBe(2);
  });

  test.each(["0", "0.0001", "2147484", "1e1", "0x10", " 5", "-1", "Infinity"])("--connect-timeout %p is exit 2, naming the range", (raw) => {
    expect(refusal("--connect-timeout", raw)).toEqual({
      code: 2,
      message: `--connect-timeout must be a number of seconds from 0.001 to 2147483, got '${raw}'`,
    });
  });

  test("timeouts: fractions to the millisecond, the extremes, and 0 = never for --read-timeout only", () => {
    expect(resolve("--connect-timeout", "0.001", "--read-timeout", "0")).toMatchObject({ connectTimeoutMs: 1, readTimeoutMs: 0 });
    expect(resolve("--connect-timeout", "2147483", "--read-timeout", ".5")).toMatchObject({ connectTimeoutMs: 2_147_483_000, readTimeoutMs: 500 });
    expect(resolve("--workers", "007", "--batch-rows", "10")).toMatchObject({ workers: 7, batchRows: 10 });
    expect(refusal("--read-timeout", "0.0004")?.message).toBe("--read-timeout must be a number of seconds from 0.001 to 2147483, or 0 for never, got '0.0004'");
  });

  test("--null-value: kept for csv and tsv, refused (exit 2) for the formats that have a null of their own", () => {
    expect(resolve("--null-value", "\\N")).toMatchObject({ nullValue: "\\N" });
    expect(resolve("-f", "tsv", "--null-value", "NULL")).toMatchObject({ format: "tsv", nullValue: "NULL" });
    expect(resolve().nullValue).toBeUndefined();
    for (const format of ["json", "ndjson"]) {
      expect(refusal("-f", format, "--null-value", "\\N")).toEqual({ code: 2, message: `--null-value applies to csv and tsv, not ${format}` });
    }
  });

  test.each(["1", "2", "64"])("--parallel %p without --split-by is exit 2, whatever the number; with it, kept", (n) => {
    expect(refusal("--parallel", n)).toEqual({ code: 2, message: "--parallel needs --split-by COLUMN: the column whose ranges the readers share" });
    expect(resolve("--parallel", n, "--split-by", "id")).toMatchObject({ parallel: Number(n), splitBy: "id" });
    expect(resolve()).toMatchObject({ parallel: 1, splitBy: undefined });
  });

  test.each([
    ["DISABLED", "--allow-invalid-certificate", "give one (the flag is ssl-mode=REQUIRED)"],
    ["VERIFY_IDENTITY", "--insecure-skip-hostname-verify", "give one (the flag is ssl-mode=VERIFY_CA, with the system's CAs)"],
    ["VERIFY_CA", "--tls-ca-file", "remove ssl-mode from the URL to verify against the CA file (the host name is checked too)"],
  ])("URL ssl-mode=%s and %s conflict: exit 2", (mode, flag, advice) => {
    const ca = flag === "--tls-ca-file" ? ["ca.pem"] : [];
    expect(refusal("--db-url", `mysql://u:pw@h/d?ssl-mode=${mode}`, flag, ...ca)).toEqual({
      code: 2,
      message: `ssl-mode=${mode} in the URL and ${flag} conflict: ${advice}`,
    });
  });
});

describe("resolveConfig: TLS from option files", () => {
  const dir = useTempDir();
  /** The TLS choice and target ssl-mode with `text` as the only option file. */
  const resolveWith = (text: string, ...argv: string[]) => {
    const file = join(dir(), "tls.cnf");
    writeFileSync(file, text);
    const flags = parseFlags(["--defaults-file", file, "-q", "SELECT 1", "-o", "x.csv", ...argv]).flags;
    const cfg = resolveConfig(flags, { DATABASE_URL: "mysql://u@db.example/d" }, 0, false);
    return { tls: cfg.tls, sslMode: cfg.connection.target.sslMode };
  };

  test("ssl-ca verifies as --tls-ca-file does; beside a verifying ssl-mode, it is the CA for it", () => {
    const from = `ssl-ca in ${join(dir(), "tls.cnf")} [client]`;
    expect(resolveWith("[client]\nssl-ca=/ca.pem\n")).toEqual({ tls: { mode: "ca-file", caFile: "/ca.pem", caSource: from }, sslMode: undefined });
    expect(resolveWith("[client]\nssl-ca=/ca.pem\nssl-mode=verify_ca\n")).toEqual({ tls: { mode: "default", caFile: "/ca.pem", caSource: from }, sslMode: "VERIFY_CA" });
    const plan = () => planTls({ host: "db.example", port: 3306, user: "", password: "", sslMode: "VERIFY_CA", ignoredParams: [] }, { mode: "default", caFile: "/nonexistent/ca.pem", caSource: from });
    expect(plan).toThrow(`cannot read ${from} /nonexistent/ca.pem: no such file or directory`);
  });

  test("a TLS flag beats the files' ssl-mode (the command line beats option files), but not the URL's", () => {
    expect(resolveWith("[client]\nssl-mode=DISABLED\nssl-ca=/ca.pem\n", "--allow-invalid-certificate")).toEqual({ tls: { mode: "allow-invalid" }, sslMode: undefined });
    expect(() => resolveWith("[client]\n", "--db-url", "mysql://u@h/?ssl-mode=REQUIRED", "--allow-invalid-certificate")).toThrow("ssl-mode=REQUIRED in the URL and --allow-invalid-certificate conflict");
  });
});
