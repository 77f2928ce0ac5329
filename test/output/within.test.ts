// The bounded wait of the cleanup paths: the answer when it comes in time, nothing after the bound.
import { expect, test } from "bun:test";
import { within } from "../../src/output/within.ts";

test("an answer in time is passed on", async () => {
  expect(await within(Promise.resolve(7), 1_000)).toBe(7);
});

test("an answer that does not come in time gives undefined once the bound has passed", async () => {
  const started = performance.now();
  expect(await within(new Promise<number>(() => {}), 50)).toBeUndefined();
  expect(performance.now() - started).toBeGreaterThanOrEqual(45);
});

test("a failure in time is passed on", async () => {
  await expect(within(Promise.reject(new Error("refused")), 1_000)).rejects.toThrow("refused");
});
