// The --read-timeout: fails an export whose server has gone silent in the middle of its result.
// It does not count the time we ourselves keep the stream paused for a slow output (the
// connector's socketTimeout cannot tell the two apart, so a slow reader would kill a healthy
// export), nor the wait for the first rows: a query may rightly compute (sort, group) for an
// hour before them, and a server that died meanwhile is found by TCP keepalive.
//
// It reads no clock on the data path: it polls a counter the reader bumps per socket chunk.
export class IdleWatchdog {
  private armed = false;
  private paused = false;
  private lastSeen = -1;
  private lastChange = Date.now();
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  constructor(timeoutMs: number, activity: () => number, onIdle: () => void) {
    if (timeoutMs <= 0) return;
    this.timer = setInterval(
      () => {
        const seen = activity();
        if (!this.armed || this.paused || seen !== this.lastSeen) {
          this.lastSeen = seen;
          this.lastChange = Date.now();
        } else if (Date.now() - this.lastChange > timeoutMs) {
          this.stop();
          onIdle();
        }
      },
      Math.min(1000, Math.max(50, timeoutMs / 4)),
    );
  }

  /** Rows have started: from now on, silence counts. */
  arm(): void {
    this.armed = true;
  }

  /** We stopped reading on purpose (paused == true) or started again. */
  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
