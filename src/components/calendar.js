// The store's week: customers entering view by hour of day x weekday, by day with the change
// against the same weekday a week before, and by daypart on weekdays and weekends. Every figure
// is a rate per hour filmed (each camera's count over its own hours filmed, summed over the chosen
// cameras), so sampled or gappy recording reads right. Re-cut in the browser from data/store.bin
// as the engine's calendar() computes it (loaders/analytics/calendar.ts; test/pages-store.test.ts).
// Cells are buttons: clicking one sets the window (or a weekday/hour filter) on every page.
import * as Plot from "@observablehq/plot";
import {interpolateYlOrRd} from "d3";
import {WEEKDAYS, dateOf, firstWeekday, weekdayOf} from "./clock.js";
import {forEachIn} from "./window.js";
import {el} from "./dom.js";

/**
 * Per camera: visitors, seconds filmed and line crossings per weekday x hour (weekday * 24 + hour),
 * per day (index from the first date) and per daypart (weekday: part index; weekend: parts + index).
 * Typed arrays: a month of a busy store is hundreds of thousands of rows per change.
 */
export function calendarCounts(store, scope, parts) {
  const w0 = firstWeekday(store);
  const partOfHour = new Int32Array(24);
  parts.forEach((p, k) => p.hours.forEach((h) => (partOfHour[h] = k)));
  const P = parts.length;
  const days = Math.max(1, Math.ceil(store.extent[1] / 86400) + 1);
  const blank = () => ({visitors: new Float64Array(168), seconds: new Float64Array(168)});
  const per = store.cameras.map(() => ({
    cells: blank(),
    days: {visitors: new Float64Array(days), seconds: new Float64Array(days), in: new Float64Array(days), out: new Float64Array(days)},
    parts: {visitors: new Float64Array(2 * P), seconds: new Float64Array(2 * P)}
  }));
  const DAY = 86400;
  const b = store.tables.coverage;
  forEachIn(b.t, scope.intervals, (i) => {
    const k = b.cam[i];
    if (!scope.cams[k]) return;
    const t = b.t[i], d = Math.floor(t / DAY), h = Math.floor((t - d * DAY) / 3600), wd = (((w0 + d) % 7) + 7) % 7;
    const m = per[k];
    m.cells.seconds[wd * 24 + h] += b.seconds[i];
    if (d >= 0 && d < days) m.days.seconds[d] += b.seconds[i];
    m.parts.seconds[(wd >= 5 ? P : 0) + partOfHour[h]] += b.seconds[i];
  });
  const v = store.tables.visitors;
  forEachIn(v.start, scope.intervals, (i) => {
    const k = v.cam[i];
    if (!scope.cams[k]) return;
    const t = v.start[i], d = Math.floor(t / DAY), h = Math.floor((t - d * DAY) / 3600), wd = (((w0 + d) % 7) + 7) % 7;
    const m = per[k];
    m.cells.visitors[wd * 24 + h]++;
    if (d >= 0 && d < days) m.days.visitors[d]++;
    m.parts.visitors[(wd >= 5 ? P : 0) + partOfHour[h]]++;
  });
  const x = store.tables.crossings;
  forEachIn(x.t, scope.intervals, (i) => {
    const d = Math.floor(x.t[i] / DAY);
    if (scope.cams[x.cam[i]] && d >= 0 && d < days) per[x.cam[i]].days[x.dir[i] > 0 ? "in" : "out"][d]++;
  });
  return per;
}

const rateOf = (visitors, seconds) => (seconds > 0 ? (visitors / seconds) * 3600 : null);

/** Sums index `i` of a table over cameras: visitors, seconds (the most any camera filmed), line in/out, and the summed per-camera rate. */
function over(per, field, i) {
  let visitors = 0, seconds = 0, rate = null, lineIn = 0, lineOut = 0;
  for (const m of per) {
    const x = m[field];
    if (i < 0 || i >= x.seconds.length) continue;
    visitors += x.visitors[i];
    if (x.in) (lineIn += x.in[i]), (lineOut += x.out[i]);
    seconds = Math.max(seconds, x.seconds[i]);
    const r = rateOf(x.visitors[i], x.seconds[i]);
    if (r !== null) rate = (rate ?? 0) + r;
  }
  return {visitors, seconds, rate, lineIn, lineOut};
}

/** Rows of the hour x weekday table: hours that any chosen camera filmed. */
export function hourWeekday(per) {
  const hours = new Set();
  for (const m of per) m.cells.seconds.forEach((s, i) => s > 0 && hours.add(i % 24));
  return [...hours].sort((a, b) => a - b).map((h) => ({hour: h, days: WEEKDAYS.map((_, wd) => over(per, "cells", wd * 24 + h))}));
}

/** One row per filmed day: visitors, lines, seconds filmed, rate, and the rate the same weekday a week before. */
export function byDay(store, per) {
  const days = new Set();
  for (const m of per) m.days.seconds.forEach((s, d) => s > 0 && days.add(d));
  return [...days].sort((a, b) => a - b).map((d) => {
    const now = over(per, "days", d), before = over(per, "days", d - 7);
    return {day: d, date: dateOf(store, d), weekday: WEEKDAYS[weekdayOf(d * 86400, firstWeekday(store))], ...now, weekBefore: before.seconds > 0 ? before.rate : null, change: now.rate !== null && before.rate ? now.rate / before.rate - 1 : null};
  });
}

export function byDaypart(per, parts) {
  return ["weekday", "weekend"].map((dayType, k) => ({dayType, parts: parts.map((p, i) => ({...p, ...over(per, "parts", k * parts.length + i)}))}));
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const fmtRate = (r) => (r === null ? "" : r >= 100 ? r.toFixed(0) : r.toFixed(1));
const hh = (h) => `${String(h).padStart(2, "0")}:00`;
const pct = (x) => (x === null ? "–" : `${x >= 0 ? "+" : "−"}${Math.abs(Math.round(x * 100))}%`);

/** A colour for a rate on [0, max]: light to dark. */
const shade = (r, max) => (r === null ? "transparent" : interpolateYlOrRd(0.08 + 0.8 * Math.sqrt(Math.min(1, r / Math.max(1e-9, max)))));
const ink = (r, max) => (r !== null && Math.sqrt(r / Math.max(1e-9, max)) > 0.62 ? "white" : "currentColor");

/** The heat table: rows hours, columns weekdays; a cell click calls onPick({weekday, hour}). */
export function heatTable(rows, {onPick, selected}) {
  const max = Math.max(0, ...rows.flatMap((r) => r.days.map((d) => d.rate ?? 0)));
  return el("table", {class: "smw-heat"},
    el("thead", {}, el("tr", {}, el("th", {}, "hour"), WEEKDAYS.map((d) => el("th", {class: "smw-num"}, d)))),
    el("tbody", {}, rows.map((r) => el("tr", {},
      el("th", {}, `${hh(r.hour)}–${hh(r.hour + 1)}`),
      r.days.map((d, wd) => {
        const on = selected?.weekdays?.length === 1 && selected.weekdays[0] === wd && selected.hours?.length === 1 && selected.hours[0] === r.hour;
        const button = el("button", {type: "button", class: `smw-cell${on ? " smw-on" : ""}`, "data-weekday": wd, "data-hour": r.hour, title: d.seconds > 0 ? `${WEEKDAYS[wd]} ${hh(r.hour)}: ${d.visitors} people in ${Math.round(d.seconds / 60)} min filmed` : "not filmed", disabled: !(d.seconds > 0)}, d.seconds > 0 ? fmtRate(d.rate) : "·");
        button.style.background = shade(d.rate, max);
        button.style.color = ink(d.rate, max);
        button.addEventListener("click", () => onPick({weekday: wd, hour: r.hour}));
        return el("td", {}, button);
      })
    )))
  );
}

/** Rate per hour filmed by day, bars coloured by the change against the week before. */
export function dayChart(days, {width}) {
  width = Math.max(240, width || 0);
  return Plot.plot({
    width,
    height: 220,
    marginLeft: 48,
    marginBottom: 40,
    x: {domain: days.map((d) => d.date), label: null, tickFormat: (d) => `${days.find((x) => x.date === d)?.weekday ?? ""} ${+d.slice(8)}`},
    y: {label: "↑ people entering view per hour filmed", grid: true, nice: true},
    color: {type: "diverging", scheme: "rdbu", domain: [-0.5, 0.5], legend: true, label: "change against the same weekday a week before", tickFormat: "+.0%", unknown: "#94a3b8"},
    marks: [
      Plot.barY(days, {x: "date", y: "rate", fill: (d) => d.change ?? NaN, title: (d) => `${d.weekday} ${d.date}\n${d.visitors} people in ${(d.seconds / 3600).toFixed(1)} h filmed\n${fmtRate(d.rate)} per hour${d.change === null ? "" : `, ${pct(d.change)} on the week before`}`, tip: true}),
      Plot.ruleY([0])
    ]
  });
}

/** The days as rows with their week-over-week change; a date click calls onPick(day). */
export function dayTable(days, {onPick}) {
  return el("table", {class: "smw-table smw-days"},
    el("thead", {}, el("tr", {}, ["Day", "Visitors", "Line in / out", "Filmed", "Per hour", "Week before", "Change"].map((h, i) => el("th", i ? {class: "smw-num"} : {}, h)))),
    el("tbody", {}, days.map((d) => {
      const button = el("button", {type: "button", class: "smw-link", "data-day": d.date, title: d.date}, `${d.weekday} ${+d.date.slice(8)} ${MONTHS[+d.date.slice(5, 7) - 1]}`);
      button.addEventListener("click", () => onPick(d));
      return el("tr", {}, el("td", {}, button), el("td", {class: "smw-num"}, String(d.visitors)), el("td", {class: "smw-num"}, `${d.lineIn} / ${d.lineOut}`),
        el("td", {class: "smw-num"}, `${(d.seconds / 3600).toFixed(1)} h`), el("td", {class: "smw-num"}, fmtRate(d.rate)),
        el("td", {class: "smw-num"}, d.weekBefore === null ? "–" : fmtRate(d.weekBefore)), el("td", {class: `smw-num ${d.change > 0 ? "smw-up" : d.change < 0 ? "smw-down" : ""}`}, pct(d.change)));
    }))
  );
}

/** Dayparts x weekday/weekend; a cell click calls onPick({dayType, part}). */
export function daypartTable(rows, {onPick}) {
  const parts = rows[0]?.parts ?? [];
  const max = Math.max(0, ...rows.flatMap((r) => r.parts.map((p) => p.rate ?? 0)));
  return el("table", {class: "smw-heat smw-dayparts"},
    el("thead", {}, el("tr", {}, el("th", {}, ""), parts.map((p) => el("th", {class: "smw-num"}, p.name)))),
    el("tbody", {}, rows.map((r) => el("tr", {}, el("th", {}, r.dayType === "weekday" ? "Weekdays" : "Weekends"), r.parts.map((p) => {
      const button = el("button", {type: "button", class: "smw-cell", "data-daytype": r.dayType, "data-daypart": p.name, title: p.seconds > 0 ? `${p.visitors} people in ${Math.round(p.seconds / 60)} min filmed` : "not filmed", disabled: !(p.seconds > 0)}, p.seconds > 0 ? fmtRate(p.rate) : "·");
      button.style.background = shade(p.rate, max);
      button.style.color = ink(p.rate, max);
      button.addEventListener("click", () => onPick({dayType: r.dayType, part: p}));
      return el("td", {}, button);
    }))))
  );
}
