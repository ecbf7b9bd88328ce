// Where the main thread's time goes when parts of the pipeline overlap: each stage's own work, and
// the time the thread sat idle waiting (for ffmpeg, for the detector thread, for the plate). Work
// that one part did while another awaited is booked once, to the part that did it, so the buckets
// add up to the wall time instead of counting the same milliseconds twice.

export class StageClock {
  /** Milliseconds per bucket: stages' work and waits. */
  readonly ms: Record<string, number> = {};
  /** All work booked so far, to take out of any wait it happened during. */
  private busy = 0;

  /** Synchronous work of `stage`. */
  run<T>(stage: string, work: () => T): T {
    const t0 = performance.now();
    try {
      return work();
    } finally {
      this.book(stage, performance.now() - t0);
    }
  }

  /** Work of `stage` that awaits (a Parquet commit): only the part when nothing else ran is its own. */
  async runAsync<T>(stage: string, work: () => T | Promise<T>): Promise<T> {
    const t0 = performance.now();
    const b0 = this.busy;
    try {
      return await work();
    } finally {
      this.book(stage, performance.now() - t0 - (this.busy - b0));
    }
  }

  /** Awaits `p`, booking the time nothing else ran as a wait for `what`. */
  async wait<T>(what: string, p: Promise<T>): Promise<T> {
    const t0 = performance.now();
    const b0 = this.busy;
    try {
      return await p;
    } finally {
      this.ms[what] = (this.ms[what] ?? 0) + Math.max(0, performance.now() - t0 - (this.busy - b0));
    }
  }

  /** Seconds booked to `bucket`. */
  seconds(bucket: string): number {
    return (this.ms[bucket] ?? 0) / 1000;
  }

  private book(stage: string, ms: number): void {
    this.ms[stage] = (this.ms[stage] ?? 0) + ms;
    this.busy += ms;
  }
}
