// Whole small objects on the store (manifests, plans), against the real S3-API server; read back
// from the server's own files, not through the client under test.
import { expect, test } from "bun:test";
import { openS3Store } from "../../src/output/s3-store.ts";
import { resolveS3Target } from "../../src/output/s3-target.ts";
import { BUCKET, useS3Server } from "../support/s3.ts";

const s3 = useS3Server();

const openStore = () => openS3Store(resolveS3Target(`s3://${BUCKET}/unused`, s3().env()));

test("put, exists, get, list under a prefix, remove", async () => {
  const store = await openStore();
  try {
    expect(await store.exists("store/a.json")).toBe(false);
    expect(await store.getText("store/a.json")).toBeUndefined();
    await store.putText("store/a.json", '{"ü":1}\n');
    await store.putText("store/b/c.json", "c");
    await store.putText("elsewhere.json", "x");
    expect(s3().object("store/a.json")?.toString()).toBe('{"ü":1}\n');
    expect(await store.exists("store/a.json")).toBe(true);
    expect(await store.getText("store/a.json")).toBe('{"ü":1}\n');
    expect((await store.list("store/")).sort()).toEqual(["store/a.json", "store/b/c.json"]);
    await store.remove("store/a.json");
    await store.remove("store/never-there.json");
    expect(s3().object("store/a.json")).toBeUndefined();
    expect(await store.list("store/")).toEqual(["store/b/c.json"]);
  } finally {
    store.close();
  }
});

test("a failure other than 'not found' is thrown, with the store's words", async () => {
  const store = await openS3Store(resolveS3Target("s3://no-such-bucket/x", s3().env()));
  try {
    const { storeErrorWords } = await import("../../src/output/s3-store.ts");
    const failure = await store.list("x").catch((error) => error);
    expect(storeErrorWords(failure)).toMatch(/NoSuchBucket/);
  } finally {
    store.close();
  }
});
