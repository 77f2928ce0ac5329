// The S3-API server the tests write to, run as its own process (test/support/s3.ts starts it):
// `bun s3rver-main.ts DIR BUCKET...` serves DIR on a free port of 127.0.0.1, with the buckets
// made and the tests' key pair accepted, and prints that port once it listens.
import S3rver from "s3rver";
import { DUMMY_ACCOUNT } from "s3rver/lib/models/account.js";

const [accessKeyId, secretAccessKey, directory, ...buckets] = process.argv.slice(2);
DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
const server = new S3rver({
  address: "127.0.0.1",
  port: 0,
  directory,
  silent: true,
  configureBuckets: buckets.map((name) => ({ name, configs: [] })),
});
const { port } = await server.run();
console.log(port);
