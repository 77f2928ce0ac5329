// The --read-timeout: fails an export whose server has gone silent in the middle of its result.
// It does not count the time we ourselves keep the stream paused for a slow output (the
// connector's socketTimeout cannot tell the two apart, so a slow reader would kill a healthy
// export), nor the wait for the first row: a query may rightly compute (sort, group) for an
// hour before it, and a server that died meanwhile is found by TCP keepalive.
export class IdleWatchdog {
  private lastActivity = Date.now();
  private armed = false;
  private paused = false;
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  constructor(timeoutMs: number, onIdle: () => void) {
    if (timeoutMs <= 0) return;
    this.timer = setInterval(
      () => {
        if (!this.armed || this.paused) this.lastActivity = Date.now();
        else if (Date.now() - this.lastActivity > timeoutMs) {
          this.stop();
          onIdle();
        }
      },
      Math.min(1000, Math.max(50, timeoutMs / 4)),
    );
  }

  /** The server sent a row; from the first one on, silence counts. */
  activity(): void {
    this.armed = true;
    this.lastActivity = Date.now();
  }

  /** We stopped reading on purpose (paused == true) or started again. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    this.lastActivity = Date.now();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
