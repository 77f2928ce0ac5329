import { expect, test } from "bun:test";
import { OrderedRing } from "../../src/pipeline/ring.ts";

const bytes = (n: number) => new Uint8Array([n]);

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test("writes in submission order whatever the completion order", async () => {
  const written: number[] = [];
  const ring = new OrderedRing(64, async (chunk) => {
    written.push(chunk[0]);
  });
  const jobs = Array.from({ length: 50 }, () => deferred<Uint8Array>());
  jobs.forEach((j) => ring.submit(j.promise));
  // Complete in a shuffled order, with pauses, like workers finishing at random.
  const order = jobs.map((_, i) => i).sort(() => Math.random() - 0.5);
  for (const i of order) {
    jobs[i].resolve(bytes(i));
    if (i % 7 === 0) await Bun.sleep(1);
  }
  await ring.drain();
  expect(written).toEqual(jobs.map((_, i) => i));
});

test("is full at capacity and frees a slot only when the oldest batch is written", async () => {
  const spaceEvents: number[] = [];
  const written: number[] = [];
  let ringRef: OrderedRing;
  const ring = (ringRef = new OrderedRing(
    2,
    async (c) => {
      written.push(c[0]);
    },
    () => spaceEvents.push(written.length),
  ));
  const first = deferred<Uint8Array>();
  const second = deferred<Uint8Array>();
  ring.submit(first.promise);
  expect(ring.full).toBe(false);
  ring.submit(second.promise);
  expect(ring.full).toBe(true);
  expect(() => ring.submit(Promise.resolve(bytes(9)))).toThrow();
  // The second finishing first must not free a slot: the first still holds its place.
  second.resolve(bytes(2));
  await Bun.sleep(5);
  expect(ringRef.full).toBe(true);
  expect(written).toEqual([]);
  const space = ring.space();
  first.resolve(bytes(1));
  await space;
  await ring.drain();
  expect(written).toEqual([1, 2]);
  expect(ring.full).toBe(false);
  expect(spaceEvents).toEqual([1, 2]);
});

test("a failing batch fails the ring once, and nothing after it is written", async () => {
  const written: number[] = [];
  const failures: unknown[] = [];
  const ring = new OrderedRing(
    8,
    async (c) => {
      written.push(c[0]);
    },
    () => {},
    (e) => failures.push(e),
  );
  const jobs = Array.from({ length: 4 }, () => deferred<Uint8Array>());
  jobs.forEach((j) => ring.submit(j.promise));
  jobs[0].resolve(bytes(0));
  await Bun.sleep(1);
  jobs[1].reject(new Error("worker threw"));
  jobs[2].reject(new Error("second failure"));
  jobs[3].resolve(bytes(3));
  await expect(ring.drain()).rejects.toThrow("worker threw");
  expect(written).toEqual([0]);
  expect(failures.length).toBe(1);
});

test("a failing write fails the ring", async () => {
  const ring = new OrderedRing(4, async () => {
    throw new Error("disk full");
  });
  ring.submit(Promise.resolve(bytes(1)));
  await expect(ring.drain()).rejects.toThrow("disk full");
});
