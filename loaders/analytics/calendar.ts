// The store's calendar: customers entering view by hour of day x weekday, by day (with the
// change against the same weekday a week before), and by daypart on weekdays and weekends. Each
// as a count and the hours of footage behind it, so a rate per hour filmed is honest where the
// recording is sampled (a minute an hour) or has gaps. Local wall clock; weekday 0 is Monday.
// The Calendar page re-cuts the same from events and coverage (test/pages-store.test.ts).
import { query } from "../store/duckdb.ts";
import { windowWhere, type Window } from "./queries.ts";
import type { Analytics } from "./views.ts";

export interface CalendarCell { weekday: number; hour: number; visitors: number; footageSeconds: number }
export interface CalendarDay {
  date: string;
  weekday: number;
  visitors: number;
  lineIn: number;
  lineOut: number;
  footageSeconds: number;
  /** Visitors per hour filmed that day, the same a week before (null: not filmed), and the relative change. */
  rate: number | null;
  weekBefore: number | null;
  change: number | null;
}
export interface CalendarDaypart { dayType: "weekday" | "weekend"; daypart: string; visitors: number; footageSeconds: number }
export interface Calendar { cells: CalendarCell[]; days: CalendarDay[]; dayparts: CalendarDaypart[] }

/** ISO weekday of local_ts, Monday 0. */
const WEEKDAY = "(isodow(local_ts) - 1)::INTEGER";

export async function calendar(a: Analytics, w: Window = {}): Promise<Calendar> {
  const where = `${windowWhere(w)} AND local_ts IS NOT NULL`;
  const cells = await query<CalendarCell>(a, `
    WITH f AS (SELECT ${WEEKDAY} AS weekday, hour, sum(dt_seconds) AS s FROM frames WHERE ${where} GROUP BY ALL),
    v AS (SELECT ${WEEKDAY} AS weekday, hour, count(*) AS n FROM visitors WHERE NOT staff AND ${where} GROUP BY ALL)
    SELECT f.weekday, f.hour, coalesce(v.n, 0)::INTEGER AS visitors, f.s::DOUBLE AS footageSeconds
    FROM f LEFT JOIN v USING (weekday, hour) ORDER BY weekday, hour`);
  const rows = await query<Omit<CalendarDay, "rate" | "weekBefore" | "change">>(a, `
    WITH f AS (SELECT strftime(local_ts, '%Y-%m-%d') AS date, any_value(${WEEKDAY}) AS weekday, sum(dt_seconds) AS s FROM frames WHERE ${where} GROUP BY ALL),
    v AS (SELECT strftime(local_ts, '%Y-%m-%d') AS date, count(*) AS n FROM visitors WHERE NOT staff AND ${where} GROUP BY ALL),
    e AS (SELECT strftime(local_ts, '%Y-%m-%d') AS date, count(*) FILTER (direction = 'in') AS ins, count(*) FILTER (direction = 'out') AS outs
          FROM events WHERE NOT staff AND ${where} GROUP BY ALL)
    SELECT f.date, f.weekday, coalesce(v.n, 0)::INTEGER AS visitors, coalesce(e.ins, 0)::INTEGER AS lineIn, coalesce(e.outs, 0)::INTEGER AS lineOut,
      f.s::DOUBLE AS footageSeconds
    FROM f LEFT JOIN v USING (date) LEFT JOIN e USING (date) ORDER BY f.date`);
  const dayparts = await query<CalendarDaypart>(a, `
    WITH f AS (SELECT CASE WHEN is_weekend THEN 'weekend' ELSE 'weekday' END AS dayType, daypart, sum(dt_seconds) AS s FROM frames WHERE ${where} GROUP BY ALL),
    v AS (SELECT CASE WHEN is_weekend THEN 'weekend' ELSE 'weekday' END AS dayType, daypart, count(*) AS n FROM visitors WHERE NOT staff AND ${where} GROUP BY ALL)
    SELECT f.dayType, f.daypart, coalesce(v.n, 0)::INTEGER AS visitors, f.s::DOUBLE AS footageSeconds
    FROM f LEFT JOIN v USING (dayType, daypart) ORDER BY f.dayType, f.daypart`);
  return { cells, days: weekOverWeek(rows), dayparts };
}

/** Adds each day's rate and its change against the same weekday seven days before. Pure. */
export function weekOverWeek(rows: readonly Omit<CalendarDay, "rate" | "weekBefore" | "change">[]): CalendarDay[] {
  const rate = (r: { visitors: number; footageSeconds: number }) => (r.footageSeconds > 0 ? (r.visitors / r.footageSeconds) * 3600 : null);
  const byDate = new Map(rows.map((r) => [r.date, r]));
  return rows.map((r) => {
    const before = new Date(Date.parse(`${r.date}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
    const prev = byDate.get(before);
    const now = rate(r), then = prev ? rate(prev) : null;
    return { ...r, rate: now, weekBefore: then, change: now !== null && then ? now / then - 1 : null };
  });
}
