// Queues at the till in the browser: the episodes of data/store.bin (from the engine's
// queue_episodes: loaders/analytics/queues.ts) re-cut by the scope, with the engine's 90% block
// bootstrap repeated draw for draw (d3's seeded LCG, the same blocks in the same order), and the
// queue length over time. test/pages-store.test.ts holds the two equal.
import * as Plot from "@observablehq/plot";
import {quantileSorted, randomLcg} from "d3";
import {forEachIn, gapGroups, lowerBound} from "./window.js";
import {quantileOf} from "./stats.js";

export const MIN_EPISODES = 20;
const CHART = {height: 200, marginLeft: 44, marginBottom: 36};
const BLOCK_SECONDS = 900;
const RESAMPLES = 500;
const STATUS = ["served", "abandoned", "censored"];

/** The engine's blockBootstrap: 5% and 95% quantiles of the mean wait, mean service and abandonment over resampled 15-minute blocks. */
export function blockBootstrap(blocks, {resamples = RESAMPLES, seed = 1} = {}) {
  const total = blocks.reduce((t, b) => ({served: t.served + b.served, waitSum: t.waitSum + b.waitSum, services: t.services + b.services, serviceSum: t.serviceSum + b.serviceSum, abandoned: t.abandoned + b.abandoned}),
    {served: 0, waitSum: 0, services: 0, serviceSum: 0, abandoned: 0});
  const point = {
    meanWait: total.served ? total.waitSum / total.served : null,
    meanService: total.services ? total.serviceSum / total.services : null,
    abandonment: total.served + total.abandoned ? total.abandoned / (total.served + total.abandoned) : null
  };
  const tooFew = total.served + total.abandoned < MIN_EPISODES;
  const none = (value) => ({value, lo: null, hi: null});
  if (tooFew || blocks.length === 0) return {tooFew, meanWait: none(point.meanWait), meanService: none(point.meanService), abandonment: none(point.abandonment)};
  const random = randomLcg(seed);
  const n = blocks.length;
  const wait = [], service = [], abandon = [];
  for (let r = 0; r < resamples; r++) {
    let served = 0, waitSum = 0, services = 0, serviceSum = 0, abandoned = 0;
    for (let k = 0; k < n; k++) {
      const b = blocks[Math.floor(random() * n)];
      served += b.served; waitSum += b.waitSum; services += b.services; serviceSum += b.serviceSum; abandoned += b.abandoned;
    }
    if (served) wait.push(waitSum / served);
    if (services) service.push(serviceSum / services);
    if (served + abandoned) abandon.push(abandoned / (served + abandoned));
  }
  const ci = (value, xs) => {
    const s = xs.sort((x, y) => x - y);
    return value === null || !s.length ? none(value) : {value, lo: quantileSorted(s, 0.05), hi: quantileSorted(s, 0.95)};
  };
  return {tooFew, meanWait: ci(point.meanWait, wait), meanService: ci(point.meanService, service), abandonment: ci(point.abandonment, abandon)};
}

const quantileOrNull = (xs, q) => (xs.length ? quantileOf(xs, q) : null);

/** The queue zones of the chosen cameras: {cam, zone, name, checkout, key}. */
export function queuesOf(store, cams) {
  const many = store.cameras.length > 1;
  return store.cameras.flatMap((c, k) => (cams[k] ? c.queues.map((q) => ({cam: k, zone: q.zone, name: many ? `${c.camera} · ${q.name}` : q.name, checkout: q.checkout, key: `${k}:${q.zone}`})) : []));
}

/** A queue zone's figures for the scope, in the engine's queueFigures shape, plus its episodes. */
export function queueFigures(store, scope, {cam, zone}) {
  const q = store.tables.queues;
  const episodes = [];
  forEachIn(q.join, scope.intervals, (i) => q.cam[i] === cam && q.zone[i] === zone && episodes.push(i));
  const blocks = new Map();
  const waits = [], services = [];
  let served = 0, abandoned = 0, censored = 0;
  for (const i of episodes) {
    const status = STATUS[q.status[i]];
    if (status === "censored") {
      censored++;
      continue;
    }
    const key = Math.floor(q.join[i] / BLOCK_SECONDS);
    const b = blocks.get(key) ?? {served: 0, waitSum: 0, services: 0, serviceSum: 0, abandoned: 0};
    if (status === "abandoned") (b.abandoned++, abandoned++);
    else {
      served++;
      b.served++;
      b.waitSum += q.wait[i];
      waits.push(q.wait[i]);
      if (Number.isFinite(q.service[i])) (b.services++, (b.serviceSum += q.service[i]), services.push(q.service[i]));
    }
    blocks.set(key, b);
  }
  const boot = blockBootstrap([...blocks.entries()].sort(([x], [y]) => x - y).map(([, b]) => b));
  const l = store.tables.queueLength;
  let seconds = 0, personSeconds = 0, peak = 0;
  forEachIn(l.t, scope.intervals, (i) => {
    if (l.cam[i] !== cam || l.zone[i] !== zone) return;
    seconds += l.seconds[i];
    personSeconds += l.personSeconds[i];
    peak = Math.max(peak, l.peak[i]);
  });
  return {
    served, abandoned, censored, tooFew: boot.tooFew,
    abandonment: boot.abandonment, meanWait: boot.meanWait, medianWait: quantileOrNull(waits, 0.5), p90Wait: quantileOrNull(waits, 0.9),
    meanService: boot.meanService, medianService: quantileOrNull(services, 0.5),
    length: {mean: seconds ? personSeconds / seconds : null, peak, footageSeconds: seconds},
    episodes: episodes.map((i) => ({t: q.join[i], wait: q.wait[i], service: q.service[i], status: STATUS[q.status[i]]}))
  };
}

/** People in the queue zone over the domain: mean per display bin, and the most at once. */
export function lengthSeries(store, scope, {cam, zone}, bins = 300) {
  const [d0, d1] = scope.domain;
  const steps = [1, 5, 10, 30, 60, 300, 900, 1800, 3600, 7200, 21600, 86400];
  const step = Math.max(store.coverageStep || 0, steps.find((s) => (d1 - d0) / s <= bins) ?? 86400);
  const l = store.tables.queueLength;
  const acc = new Map();
  for (let i = lowerBound(l.t, d0); i < l.t.length && l.t[i] < d1; i++) {
    if (l.cam[i] !== cam || l.zone[i] !== zone) continue;
    const k = Math.floor(l.t[i] / step) * step;
    const x = acc.get(k) ?? {t: k, seconds: 0, personSeconds: 0, peak: 0};
    x.seconds += l.seconds[i];
    x.personSeconds += l.personSeconds[i];
    x.peak = Math.max(x.peak, l.peak[i]);
    acc.set(k, x);
  }
  return {step, rows: [...acc.values()].sort((a, b) => a.t - b.t).map((x) => ({...x, mean: x.personSeconds / x.seconds}))};
}

export function lengthChart(series, {width, clock, win}) {
  width = Math.max(240, width || 0);
  const {rows, step} = series;
  const z = gapGroups(rows.map((r) => r.t), step);
  return Plot.plot({
    ...CHART,
    width,
    x: clock.xOptions(width),
    y: {label: "↑ people in the queue zone", grid: true, nice: true},
    marks: [
      Plot.rectX(win && !win.full ? [win] : [], {x1: (d) => clock.x(d.t0), x2: (d) => clock.x(d.t1), fill: "currentColor", fillOpacity: 0.07}),
      Plot.areaY(rows, {x: (d) => clock.x(d.t), y: "mean", z, fill: "#0f766e", fillOpacity: 0.25, curve: "step-after"}),
      Plot.lineY(rows, {x: (d) => clock.x(d.t), y: "mean", z, stroke: "#0f766e", curve: "step-after"}),
      Plot.dot(rows, {x: (d) => clock.x(d.t), y: "peak", r: 1.5, fill: "#0f766e", fillOpacity: 0.45}),
      Plot.ruleY([0]),
      Plot.tip(rows, Plot.pointerX({x: (d) => clock.x(d.t), y: "mean", title: (d) => `${clock.format(d.t)}\nmean ${d.mean.toFixed(2)} in line, most ${d.peak}`}))
    ]
  });
}

/** Each served customer's wait, one dot each, with the median. */
export function waitChart(episodes, {width, clock}) {
  width = Math.max(240, width || 0);
  const all = episodes.filter((e) => e.status === "served");
  // a month of a busy till is thousands of dots: an even sample of them
  const served = all.length > 2000 ? all.filter((_, i) => i % Math.ceil(all.length / 2000) === 0) : all;
  return Plot.plot({
    ...CHART,
    width,
    x: clock.xOptions(width),
    y: {label: `↑ wait (s): joining the line to reaching the till${served.length < all.length ? ` (${served.length} of ${all.length} shown)` : ""}`, grid: true, nice: true},
    marks: [
      Plot.dot(served, {x: (d) => clock.x(d.t), y: "wait", r: 3, fill: "#0f766e", fillOpacity: 0.6, tip: true, title: (d) => `${clock.format(d.t)}\nwaited ${d.wait.toFixed(1)} s${Number.isFinite(d.service) ? `, served in ${d.service.toFixed(1)} s` : ""}`}),
      Plot.ruleY([0])
    ]
  });
}
