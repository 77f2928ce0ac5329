// The --read-timeout's watchdog on its own: silence counts only once rows flow and while we read.
import { expect, test } from "bun:test";
import { IdleWatchdog } from "../../src/source/wire/idle-watchdog.ts";

const TIMEOUT_MS = 200;
/** How often the watchdog looks at this timeout: silence is measured from its last look. */
const POLL_MS = 50;

/** A watchdog over a counter the test bumps; resolves how long it took to fire, or "quiet". */
function watch(setup: (dog: IdleWatchdog, bump: () => void) => void, waitMs = 700): Promise<number | "quiet"> {
  let chunks = 0;
  const started = performance.now();
  return new Promise((resolve) => {
    const dog = new IdleWatchdog(TIMEOUT_MS, () => chunks, () => resolve(performance.now() - started));
    setup(dog, () => chunks++);
    setTimeout(() => {
      dog.stop();
      resolve("quiet");
    }, waitMs);
  });
}

test("armed and silent: fires after the timeout, not before", async () => {
  const fired = await watch((dog) => dog.arm());
  expect(fired).not.toBe("quiet");
  expect(fired as number).toBeGreaterThanOrEqual(TIMEOUT_MS - POLL_MS);
});

test("before the first rows (not armed), silence does not count", async () => {
  expect(await watch(() => {})).toBe("quiet");
});

test("paused by us, silence does not count; resumed, it does again", async () => {
  expect(await watch((dog) => (dog.arm(), dog.setPaused(true)))).toBe("quiet");
  const fired = await watch((dog) => {
    dog.arm();
    dog.setPaused(true);
    setTimeout(() => dog.setPaused(false), 250);
  }, 1200);
  expect(fired as number).toBeGreaterThanOrEqual(250 - POLL_MS + TIMEOUT_MS);
});

test("chunks arriving keep it quiet; 0 means no limit", async () => {
  expect(
    await watch((dog, bump) => {
      dog.arm();
      const feeding = setInterval(bump, 40);
      setTimeout(() => clearInterval(feeding), 650);
    }),
  ).toBe("quiet");
  let fired = false;
  const never = new IdleWatchdog(0, () => 0, () => (fired = true));
  never.arm();
  await Bun.sleep(300);
  never.stop();
  expect(fired).toBe(false);
});
