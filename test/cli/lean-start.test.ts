// What a run loads before it does its work: --help, --version and completion answer without
// the connector, the encoders, the Parquet writer or the argument parser (citty, with node:util), whose loading is most of a start-up's
// page faults and parse time; an export of another format never loads the Parquet writer, nor one to a file the S3 client.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { usePrivateServer, useTempDir } from "../support/harness.ts";
import { useS3Server } from "../support/s3.ts";
import { BUCKET } from "../support/s3-server.ts";

const RUN = join(import.meta.dir, "../../src/cli/run.ts");

/** The modules a fresh process has loaded after runCli(argv), as paths. */
function modulesLoadedBy(argv: string[], env: Record<string, string> = {}): string[] {
  const script = `
    const { runCli } = await import(${JSON.stringify(RUN)});
    const quiet = { env: ${JSON.stringify(env)}, stdout: () => {}, stderr: () => {}, stdoutIsTty: false, stderrIsTty: false };
    const code = await runCli(${JSON.stringify(argv)}, quiet);
    console.log(JSON.stringify({ code, modules: Object.keys(require.cache) }));`;
  const result = Bun.spawnSync([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
  expect(result.stderr.toString()).toBe("");
  const { code, modules } = JSON.parse(result.stdout.toString()) as { code: number; modules: string[] };
  expect(code).toBe(0);
  return modules;
}

const HEAVY = ["node_modules/mariadb/", "node_modules/hyparquet-writer/", "src/export.ts", "src/source/", "src/format/", "src/pipeline/", "src/cli/completion.ts", "node_modules/citty/"];

for (const argv of [["--version"], ["--help"], ["completion", "bash"]]) {
  test(`${argv.join(" ")} loads neither the connector nor the encoders`, () => {
    const modules = modulesLoadedBy(argv);
    const heavy = modules.filter((m) => HEAVY.some((h) => m.includes(h)) && !(argv[0] === "completion" && m.endsWith("src/cli/completion.ts")));
    expect(heavy).toEqual([]);
  });
}

// The control: what is loaded on demand shows in the list, so the tests above can fail.
test("--dump-config loads the export command and the connector", () => {
  const modules = modulesLoadedBy(["--dump-config", "--db-url", "mysql://u@h/d", "-q", "SELECT 1", "-o", "x.csv"]);
  expect(modules.some((m) => m.endsWith("src/cli/export-command.ts"))).toBe(true);
  expect(modules.some((m) => m.includes("node_modules/mariadb/"))).toBe(true);
  expect(modules.some((m) => m.includes("node_modules/citty/"))).toBe(true);
});

const server = usePrivateServer();
const tmp = useTempDir();
const PARQUET = ["node_modules/hyparquet-writer/", "src/format/parquet/"];

test("an export loads the Parquet writer only to write Parquet", () => {
  const loaded = (output: string) => {
    const modules = modulesLoadedBy(["--db-url", server().url("mysql"), "-q", "SELECT 1 AS x", "-o", join(tmp(), output)]);
    return PARQUET.filter((p) => modules.some((m) => m.includes(p)));
  };
  expect(loaded("x.csv")).toEqual([]);
  expect(loaded("x.json")).toEqual([]);
  expect(loaded("x.parquet")).toEqual(PARQUET);
});

const store = useS3Server();
const S3_CLIENT = ["node_modules/@aws-sdk/", "node_modules/@smithy/", "src/output/s3-sink.ts"];

test("an export loads the S3 client only to write to S3 (it costs every other export ~4 ms of start-up)", () => {
  const loaded = (output: string) => {
    const modules = modulesLoadedBy(["--db-url", server().url("mysql"), "-q", "SELECT 1 AS x", "-o", output], store().env());
    return S3_CLIENT.filter((p) => modules.some((m) => m.includes(p)));
  };
  expect(loaded(join(tmp(), "s3-control.csv"))).toEqual([]);
  expect(loaded(join(tmp(), "split-{part}.csv"))).toEqual([]);
  expect(loaded(`s3://${BUCKET}/lean-start.csv`)).toEqual(S3_CLIENT);
});
