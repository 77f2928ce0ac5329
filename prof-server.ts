// scratch: start a private server with bench shapes loaded and print its URL; stays up until killed.
import { startPrivateServer } from "./src/devdb/private-server.ts";
import { fat } from "./bench/shapes/fat.ts";
import { narrow } from "./bench/shapes/narrow.ts";
import { loadBenchTable, BENCH_DATABASE } from "./bench/dataset.ts";
const server = await startPrivateServer({ extraArgs: ["--innodb-buffer-pool-size=2G", "--max-allowed-packet=256M"] });
await loadBenchTable(server, 1_000_000);
await server.sql([`USE ${BENCH_DATABASE}`, ...fat.createSql(400), ...narrow.createSql(5_000_000)]);
console.log(server.url(BENCH_DATABASE), server.pid);
await new Promise(() => {});
