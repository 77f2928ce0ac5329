// The pipeline's lanes in process, with scripted sources (the pipeline's own interface, not the
// connector's): lanes are written strictly in order even when a source resumed by the pipeline
// delivers its rows and its end at once, inside the pipeline's own pass.
import { expect, test } from "bun:test";
import { Kind } from "../../src/format/columns.ts";
import { Pipeline, type Source, type SourceFeed } from "../../src/pipeline/pipeline.ts";
import { batchOf } from "../support/packets.ts";

const COLUMNS = [{ name: "v", key: "v", kind: Kind.Text }];

/** A source that delivers what it is given, and keeps its rows while paused, handing them over (with its end) the moment it is resumed. */
class ScriptedSource implements Source {
  paused = false;
  private held: Uint8Array<ArrayBuffer>[] = [];
  private endHeld = false;

  constructor(private readonly feed: SourceFeed) {
    feed.columns(COLUMNS);
  }

  send(value: string): void {
    const batch = batchOf([[value]]);
    if (this.paused) this.held.push(batch);
    else this.feed.batch(batch, 1);
  }

  end(): void {
    if (this.paused) this.endHeld = true;
    else this.feed.end();
  }

  stop(): void {}

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const batch of this.held.splice(0)) this.feed.batch(batch, 1);
    if (this.endHeld) this.feed.end();
  }
}

test("paused sources that deliver their rest, and end, the moment they are resumed: no lane is skipped, every row is written in order", async () => {
  const written: string[] = [];
  const pipeline = new Pipeline({
    encoding: { format: "csv", pretty: false, csvNewline: "\n", compression: "none" },
    workers: 0,
    ringSize: 64,
    allowEmpty: false,
    write: async (chunk) => void written.push(new TextDecoder().decode(chunk)),
    warn: () => {},
    stats: { rows: 0, bytes: 0 },
  });
  const sources: ScriptedSource[] = [];
  for (let k = 0; k < 4; k++) void pipeline.addSource((feed) => (sources[k] = new ScriptedSource(feed)));
  pipeline.close();
  const [first, ...rest] = sources as [ScriptedSource, ...ScriptedSource[]];
  // Every later lane runs ahead until the waiting budget pauses it; all but the last end while paused.
  const big = "x".repeat(1 << 20);
  for (const [k, source] of rest.entries()) {
    while (!source.paused) source.send(`${k + 1}:${big}`);
    source.send(`${k + 1}:last`);
    if (source !== rest.at(-1)) source.end();
  }
  // The head's end frees the budget: each paused lane is resumed and delivers what it held.
  first.send("0:only");
  first.end();
  await Bun.sleep(10);
  const last = rest.at(-1)!;
  last.send(`${rest.length}:after`);
  last.end();
  await pipeline.done;
  const lanes = written.join("").split("\n").filter((line) => line !== "" && line !== "v").map((line) => Number(line.split(":")[0]));
  expect(lanes[0]).toBe(0);
  expect(lanes.every((lane, i) => i === 0 || lane >= lanes[i - 1])).toBe(true);
  expect(new Set(lanes)).toEqual(new Set([0, 1, 2, 3]));
  expect(written.join("").split("\n").filter((line) => !line.endsWith(big))).toEqual(["v", "0:only", "1:last", "2:last", "3:last", "3:after", ""]);
});
