// The --read-timeout: fails an export whose server has gone silent, without counting the time
// we ourselves keep the stream paused for a slow output. (The connector's socketTimeout
// cannot tell the two apart, so a slow reader would kill a healthy export.)
export class IdleWatchdog {
  private lastActivity = Date.now();
  private paused = false;
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  constructor(timeoutMs: number, onIdle: () => void) {
    if (timeoutMs <= 0) return;
    this.timer = setInterval(
      () => {
        if (this.paused) this.lastActivity = Date.now();
        else if (Date.now() - this.lastActivity > timeoutMs) {
          this.stop();
          onIdle();
        }
      },
      Math.min(1000, Math.max(50, timeoutMs / 4)),
    );
  }

  /** The server sent something. */
  activity(): void {
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
