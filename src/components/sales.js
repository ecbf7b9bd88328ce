// Sales against footfall: transactions and revenue per time bin beside the people counted, and
// conversion (transactions per person) for the window.
import * as Plot from "@observablehq/plot";
import {COLORS} from "./scales.js";
import {binName} from "./footfall.js";
import {forEachIn} from "./window.js";

/**
 * Sums the store's sales (data/store.bin: t on the store's clock, and a bit per camera recording
 * at that moment) into the bins of footfallBins(...): only sales in the scope made while one of
 * the chosen cameras was recording count.
 */
export function salesBins(store, scope, bins) {
  const n = bins.starts.length;
  const first = bins.starts[0] ?? 0;
  const transactions = new Array(n).fill(0);
  const revenue = new Array(n).fill(0);
  let total = 0, money = 0, outside = 0;
  let chosen = 0;
  scope.cams.forEach((on, k) => (chosen |= on ? 1 << k : 0));
  const {t, cams, amount} = store.tables.sales;
  const tx = store.tables.sales.transactions;
  forEachIn(t, scope.intervals, (i) => {
    if (!(cams[i] & chosen)) return void outside++;
    const b = Math.min(n - 1, Math.max(0, Math.floor((t[i] - first) / bins.bin + 1e-9)));
    transactions[b] += tx[i];
    revenue[b] += amount[i] || 0;
    total += tx[i];
    money += amount[i] || 0;
  });
  return {transactions, revenue, total, money, outside};
}

/**
 * Three aligned rows over the window: people counted, transactions, revenue, per bin.
 * @param footfall the per-bin counts used as the denominator; measure its name
 */
export function salesChart(bins, footfall, sold, {clock, width, win, measure, currency}) {
  width = Math.max(240, width || 0); // resize() reports 0 while the page is not laid out
  const {bin, starts} = bins;
  const rows = [
    {key: measure, color: COLORS.visitors, values: footfall, count: true},
    {key: "transactions", color: COLORS.sales, values: sold.transactions, count: true},
    {key: `revenue (${currency || "currency of the file"})`, color: "#a78bfa", values: sold.revenue, count: false}
  ];
  const data = rows.flatMap((r) => starts.map((t, i) => ({row: r.key, color: r.color, t, value: r.values[i]})));
  const x = {...clock.axis, domain: [clock.x(Math.min(win.t0, starts[0] ?? 0)), clock.x(Math.max(win.t1, (starts.at(-1) ?? 0) + bin))], ticks: Math.max(2, Math.floor(width / 110)), labelAnchor: "right", labelOffset: 32};
  // one small chart per row: each has its own unit on its y axis
  const figure = document.createElement("div");
  figure.className = "smw-stack";
  rows.forEach((r, k) => {
    const last = k === rows.length - 1;
    figure.append(
      Plot.plot({
        width,
        height: last ? 140 : 110,
        marginLeft: 56,
        marginBottom: last ? 36 : 8,
        marginTop: 22,
        x: {...x, axis: last ? "bottom" : null},
        y: {label: `↑ ${r.key} per ${binName(bin)}`, grid: true, nice: true, ...countTicks(r.count ? Math.max(0, ...r.values) : null)},
        marks: [
          Plot.rectY(data.filter((d) => d.row === r.key), {x1: (d) => clock.x(d.t), x2: (d) => clock.x(d.t + bin), y: "value", fill: r.color, inset: starts.length > 80 ? 0.3 : 1, title: (d) => `${clock.format(d.t)}–${clock.format(d.t + bin)}\n${r.key}: ${format(d.value)}`, tip: true}),
          Plot.ruleY([0])
        ]
      })
    );
  });
  return figure;
}

/** Transactions against people per bin: the slope is the conversion rate. */
export function conversionScatter(bins, footfall, sold, {width, measure}) {
  width = Math.max(240, width || 0); // resize() reports 0 while the page is not laid out
  const data = bins.starts.map((t, i) => ({t, people: footfall[i], transactions: sold.transactions[i]})).filter((d) => d.people > 0 || d.transactions > 0);
  const people = data.reduce((s, d) => s + d.people, 0);
  const tx = data.reduce((s, d) => s + d.transactions, 0);
  const rate = people ? tx / people : NaN;
  const top = Math.max(1, ...data.map((d) => d.people));
  return Plot.plot({
    width,
    height: 280,
    marginLeft: 48,
    marginBottom: 40,
    x: {label: `${measure} per ${binName(bins.bin)} →`, domain: [0, top], nice: true, grid: true, labelAnchor: "right", labelOffset: 32, ...countTicks(top)},
    y: {label: `↑ transactions per ${binName(bins.bin)}`, nice: true, grid: true, ...countTicks(Math.max(0, ...data.map((d) => d.transactions)))},
    marks: [
      Number.isFinite(rate) ? Plot.line([[0, 0], [top, top * rate]], {stroke: COLORS.sales, strokeDasharray: "4,3"}) : null,
      Number.isFinite(rate) ? Plot.text([[top, top * rate]], {text: [`window conversion ${(rate * 100).toFixed(0)}%`], textAnchor: "end", dx: -4, dy: 14, fill: COLORS.sales, fontSize: 11}) : null,
      Plot.dot(data, {x: "people", y: "transactions", r: 4, fill: COLORS.sales, fillOpacity: 0.7, stroke: "white", tip: true}),
      Plot.ruleY([0]),
      Plot.ruleX([0])
    ]
  });
}

const format = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

// whole numbers on axes of counts: no "0.5 transactions"
function countTicks(max) {
  if (max == null) return {ticks: 3};
  return {ticks: Math.max(1, Math.min(4, Math.ceil(max))), tickFormat: (d) => (Number.isInteger(d) ? d : "")};
}
