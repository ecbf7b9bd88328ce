// Collects the truth of every segment as it is rendered: the windowed log truth.json is summed
// from (times as day, weekday and seconds from local midnight) and the rows of truth/*.parquet
// (times as seconds from the segment's start and as instants).
import type { Agent } from "./plan.ts";
import type { SegmentTruth } from "./truth.ts";
import { emptyLog, type TruthLog, type When } from "./truth-summary.ts";

type Cell = string | number | boolean | null;

export interface DayInfo { day: number; date: string; weekday: number }

export class TruthCollector {
  readonly log: TruthLog = emptyLog();
  readonly tables = { counts: [] as Cell[][], events: [] as Cell[][], visits: [] as Cell[][], queue: [] as Cell[][] };

  /** One segment: `from` is its first frame in seconds from local midnight, `start` that instant. */
  segment(d: DayInfo, name: string, from: number, start: Date, fps: number, st: SegmentTruth): void {
    const when = (t: number): When => ({ day: d.day, weekday: d.weekday, seconds: from + t });
    const iso = (t: number) => new Date(start.getTime() + t * 1000).toISOString();
    st.people.forEach((n, f) => {
      this.log.frames.push({ ...when(f / fps), dt: 1 / fps, people: n, customers: st.customers[f] });
      this.tables.counts.push([name, f, f / fps, iso(f / fps), n, st.customers[f]]);
    });
    for (const v of st.seen) this.log.visitors.push({ ...when(v.first), staff: v.staff });
    for (const e of st.events) {
      this.log.events.push({ ...when(e.t_seconds), line: e.line, direction: e.direction, staff: e.staff });
      this.tables.events.push([name, e.track_id, e.frame, e.t_seconds, iso(e.t_seconds), e.line, e.direction, e.staff]);
    }
    for (const v of st.visits) {
      this.log.visits.push({ ...when(v.enter_t), zone: v.zone, kind: v.kind, dwell: v.dwell_seconds, staff: v.staff, uid: `${name}/${v.track_id}` });
      this.tables.visits.push([name, v.track_id, v.zone, v.kind, v.enter_t, v.exit_t, v.dwell_seconds, v.staff]);
    }
  }

  /** The day's till: every customer who queued (`recorded`: joined while a segment was recording, the only ones in the windows). */
  queue(d: DayInfo, agents: readonly Agent[], recorded: (seconds: number) => boolean, localIso: (seconds: number) => string): void {
    for (const a of agents) {
      const q = a.queue;
      if (!q) continue;
      const wait = q.serviceStart === null ? null : q.serviceStart - q.join;
      const at = (sec: number | null) => (sec === null ? null : localIso(sec));
      const seen = recorded(q.join);
      this.tables.queue.push([d.date, a.id, at(q.join), at(q.left), at(q.serviceStart), at(q.serviceEnd), wait, q.abandoned, seen]);
      if (seen) this.log.queue.push({ day: d.day, weekday: d.weekday, seconds: q.join, wait, abandoned: q.abandoned });
    }
  }
}
