// The pool of hot-path buffers: best fit, each kept once, detached and small ones ignored, bounded.
import { expect, test } from "bun:test";
import { BufferPool } from "../../src/format/buffer-pool.ts";

test("a buffer given back is handed out again, the smallest that fits, as a view of the size asked", () => {
  const pool = new BufferPool(8);
  const small = pool.take(100_000);
  const big = pool.take(1_000_000);
  expect(pool.allocations).toBe(2);
  pool.give(big.buffer);
  pool.give(small.buffer);
  const again = pool.take(70_000);
  expect(again.buffer).toBe(small.buffer);
  expect(again.length).toBe(70_000);
  expect(pool.take(500_000).buffer).toBe(big.buffer);
  expect(pool.allocations).toBe(2);
});

test("a buffer given twice is kept once; a detached or foreign small one is not kept", () => {
  const pool = new BufferPool(8);
  const a = pool.take(100_000);
  pool.give(a.buffer);
  pool.give(a.buffer);
  expect(pool.take(100_000).buffer).toBe(a.buffer);
  pool.take(100_000);
  expect(pool.allocations).toBe(2);
  const moved = pool.take(100_000);
  moved.buffer.transfer();
  pool.give(moved.buffer);
  pool.give(new ArrayBuffer(16));
  pool.take(10);
  expect(pool.allocations).toBe(4);
});

test("past its limit the pool drops the smallest buffer it keeps", () => {
  const pool = new BufferPool(2);
  const sizes = [100_000, 300_000, 1_000_000];
  const buffers = sizes.map((size) => pool.take(size));
  for (const b of buffers) pool.give(b.buffer);
  expect(pool.take(1).buffer).toBe(buffers[1].buffer);
  expect(pool.take(1).buffer).toBe(buffers[2].buffer);
  expect(pool.allocations).toBe(3);
});

test("past its bytes the pool drops the largest buffers it keeps", () => {
  const pool = new BufferPool(8, 1_500_000);
  const sizes = [100_000, 2_000_000, 300_000, 1_000_000];
  const buffers = sizes.map((size) => pool.take(size));
  for (const b of buffers) pool.give(b.buffer);
  // Size classes 128 KiB, 2 MiB, 512 KiB, 1 MiB: the 2 MiB and then the 1 MiB one took it past 1.5 MB.
  expect(pool.take(200_000).buffer).toBe(buffers[2].buffer);
  expect(pool.take(1).buffer).toBe(buffers[0].buffer);
  expect(pool.allocations).toBe(4);
  pool.take(900_000);
  expect(pool.allocations).toBe(5);
});
