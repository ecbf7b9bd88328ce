// The bar at the top of every page: which cameras (of which store), which dates, and the window
// on the footfall timeline, plus an optional weekday/hour filter set from the Calendar. Its value
// is the page's scope; every chart reads it. The choice is remembered for the browser tab
// (sessionStorage, per site), so a window chosen on one page holds on every page.
//
// value: {cams (Uint8Array, 1 = chosen), camera (the camera whose picture is shown), from, to
// (day indexes), domain [d0, d1], t0, t1, full, filter, intervals (window.js)}
import {firstWeekday, dateOf, dayIndex, makeClock} from "./clock.js";
import {timeline} from "./timeline.js";
import {describeFilter, lowerBound, scopeIntervals} from "./window.js";
import {stampWindowChange} from "./timing.js";

const STEPS = [0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
const MAX_BINS = 240;
const DAY = 86400;

const keyOf = (store) => `smw-scope:${store.id}`;
const remembered = (store) => {
  try {
    return JSON.parse(sessionStorage.getItem(keyOf(store)) ?? "null");
  } catch {
    return null;
  }
};
function remember(store, v) {
  const s = {cams: store.cameras.filter((_, k) => v.cams[k]).map((c) => c.id), camera: store.cameras[v.camera]?.id, from: v.fromDate, to: v.toDate, window: v.full ? null : [v.t0, v.t1], filter: v.filter};
  try {
    sessionStorage.setItem(keyOf(store), JSON.stringify(s));
  } catch {
    // storage full or blocked: the choice just does not carry to the next page
  }
}

/** Sets the scope other pages will open with (the Calendar's cells): a window and/or a filter. */
export function rememberScope(store, scope, {window, filter}) {
  remember(store, {...scope, ...(window ? {t0: window[0], t1: window[1], full: false} : {}), filter: filter === undefined ? scope.filter : filter});
}

/** Footage extent [d0, d1] of the chosen cameras within days [from, to]. */
export function footageDomain(store, cams, from, to) {
  const {cam, t, seconds} = store.tables.coverage;
  const lo = store.wall ? from * DAY : -Infinity, hi = store.wall ? (to + 1) * DAY : Infinity;
  let d0 = Infinity, d1 = -Infinity;
  for (let i = lowerBound(t, lo); i < t.length && t[i] < hi; i++) {
    if (!cams[cam[i]]) continue;
    d0 = Math.min(d0, t[i]);
    d1 = Math.max(d1, t[i] + Math.max(store.coverageStep, seconds[i]));
  }
  return Number.isFinite(d0) ? [d0, d1] : store.extent;
}

/** People entering view per bin over the domain, chosen cameras only: the timeline's bars. */
export function timelineSeries(store, cams, domain) {
  const [d0, d1] = domain;
  const bin = STEPS.find((s) => (d1 - d0) / s <= MAX_BINS) ?? DAY * Math.ceil((d1 - d0) / DAY / MAX_BINS);
  const first = Math.floor(d0 / bin) * bin;
  const n = Math.max(1, Math.ceil((d1 - first) / bin - 1e-9));
  const visitors = new Array(n).fill(0);
  const {cam, start} = store.tables.visitors;
  for (let i = lowerBound(start, d0); i < start.length && start[i] < d1; i++) if (cams[cam[i]]) visitors[Math.min(n - 1, Math.floor((start[i] - first) / bin))]++;
  return {bin, domain, t: Array.from({length: n}, (_, i) => first + i * bin), visitors};
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

/**
 * @param store readStore(...)
 * @param options.width timeline width; options.picture true on pages that show one camera's picture;
 *   options.brush false where the page brings its own timelines (Compare): the window is then the dates
 */
export function scopeBar(store, {width, picture = false, brush = true} = {}) {
  const n = store.cameras.length;
  const saved = remembered(store);
  const lastDay = store.wall ? dayIndex(store, store.dates.at(-1) ?? dateOf(store, 0)) : 0;
  const state = {
    cams: Uint8Array.from(store.cameras, (c) => (saved?.cams ? (saved.cams.includes(c.id) ? 1 : 0) : 1)),
    camera: Math.max(0, store.cameras.findIndex((c) => c.id === saved?.camera)),
    from: saved?.from && store.wall ? Math.max(0, dayIndex(store, saved.from)) : 0,
    to: saved?.to && store.wall ? Math.min(lastDay, dayIndex(store, saved.to)) : lastDay,
    filter: saved?.filter ?? null
  };
  if (!state.cams.some(Boolean)) state.cams.fill(1);
  if (state.from > state.to) [state.from, state.to] = [0, lastDay];
  if (!state.cams[state.camera]) state.camera = state.cams.indexOf(1);

  const bar = el("div", {class: "smw-window-bar smw-scope"});
  const controls = el("div", {class: "smw-scope-controls"});
  const stores = [...new Set(store.cameras.map((c) => c.store).filter((s) => s))];
  const boxes = store.cameras.map((c, k) => el("input", {type: "checkbox", value: String(k), checked: !!state.cams[k], "data-camera": c.id}));
  if (stores.length > 1) {
    const select = el("select", {class: "smw-store"}, ...stores.map((s) => el("option", {value: s}, s)));
    select.value = store.cameras[state.camera]?.store ?? stores[0];
    select.addEventListener("change", () => boxes.forEach((b, k) => (b.checked = store.cameras[k].store === select.value)));
    controls.append(el("label", {class: "smw-scope-field"}, "Store ", select));
  }
  if (n > 1) controls.append(el("span", {class: "smw-scope-field smw-cameras"}, "Cameras ", ...boxes.map((b, k) => el("label", {}, b, ` ${store.cameras[k].camera}`))));
  const pictureSelect = el("select", {class: "smw-picture"});
  if (picture && n > 1) controls.append(el("label", {class: "smw-scope-field"}, "Picture of ", pictureSelect));
  const fromInput = el("input", {type: "date", class: "smw-from"}), toInput = el("input", {type: "date", class: "smw-to"});
  if (store.wall) {
    for (const i of [fromInput, toInput]) Object.assign(i, {min: store.dates[0], max: store.dates.at(-1)});
    controls.append(el("span", {class: "smw-scope-field"}, "Dates ", fromInput, " to ", toInput));
  }
  const chip = el("span", {class: "smw-filter"});
  controls.append(chip);
  const timelineBox = el("div", {class: "smw-scope-timeline"});
  const label = el("p", {class: "smw-window"});
  bar.append(controls, timelineBox, label);
  if (!brush) timelineBox.hidden = label.hidden = true;

  let line = null;
  const rebuild = (keepWindow) => {
    const domain = footageDomain(store, state.cams, state.from, state.to);
    const clock = makeClock(store, domain);
    const prev = line?.value;
    const value = keepWindow && prev && !prev.full && prev.t0 >= domain[0] && prev.t1 <= domain[1] ? [prev.t0, prev.t1] : undefined;
    line = timeline(timelineSeries(store, state.cams, domain), {clock, width, value});
    timelineBox.replaceChildren(line);
    bar.clock = clock;
  };
  const update = () => {
    const win = line.value;
    const filter = state.filter && (state.filter.weekdays || state.filter.hours) ? state.filter : null;
    bar.value = {
      cams: state.cams.slice(), camera: state.camera, from: state.from, to: state.to,
      fromDate: store.wall ? dateOf(store, state.from) : null, toDate: store.wall ? dateOf(store, state.to) : null,
      domain: bar.clock.domain, t0: win.t0, t1: win.t1, full: win.full && !filter, filter,
      intervals: scopeIntervals(win, filter, firstWeekday(store)), clock: bar.clock
    };
    pictureSelect.replaceChildren(...store.cameras.map((c, k) => (state.cams[k] ? el("option", {value: String(k)}, c.camera) : null)));
    pictureSelect.value = String(state.camera);
    fromInput.value = bar.value.fromDate ?? "";
    toInput.value = bar.value.toDate ?? "";
    chip.replaceChildren(...(filter ? [`Only ${describeFilter(filter)} `, el("button", {type: "button", class: "smw-clear-filter", title: "show every day and hour again"}, "✕")] : []));
    label.replaceChildren("Window: ", el("strong", {}, bar.clock.describe(win)), filter ? `, only ${describeFilter(filter)}` : "", " · drag on the timeline to choose, click outside the window to reset");
    if (brush) remember(store, bar.value);
  };
  const fire = () => {
    stampWindowChange();
    bar.dispatchEvent(new Event("input", {bubbles: true}));
  };

  // every control's own input event is read here first, so the page sees the new scope
  bar.addEventListener("input", (event) => {
    const target = event.target;
    if (target === bar) return;
    if (boxes.includes(target)) {
      const k = Number(target.value);
      state.cams[k] = target.checked ? 1 : 0;
      if (!state.cams.some(Boolean)) (state.cams[k] = 1), (target.checked = true);
      if (!state.cams[state.camera]) state.camera = state.cams.indexOf(1);
      rebuild(true);
      stampWindowChange();
    } else if (target === fromInput || target === toInput) {
      const d = dayIndex(store, target.value);
      if (!Number.isFinite(d)) return event.stopPropagation();
      if (target === fromInput) state.from = Math.min(Math.max(0, d), state.to);
      else state.to = Math.max(Math.min(lastDay, d), state.from);
      rebuild(false);
      stampWindowChange();
    } else if (target === pictureSelect) {
      state.camera = Number(pictureSelect.value);
      stampWindowChange();
    }
    update();
  }, true);
  bar.addEventListener("change", (event) => {
    // selects and the store picker report "change"; turn it into the bar's input
    if (event.target === pictureSelect || event.target.classList?.contains("smw-store")) {
      if (event.target.classList?.contains("smw-store")) {
        boxes.forEach((b, k) => (state.cams[k] = b.checked ? 1 : 0));
        if (!state.cams[state.camera]) state.camera = state.cams.indexOf(1);
        rebuild(false);
      } else state.camera = Number(pictureSelect.value);
      update();
      fire();
    }
  });
  chip.addEventListener("click", (event) => {
    if (!event.target.classList?.contains("smw-clear-filter")) return;
    state.filter = null;
    update();
    fire();
  });

  rebuild(false);
  if (brush && saved?.window && saved.window[0] >= bar.clock.domain[0] && saved.window[1] <= bar.clock.domain[1]) line.setWindow(...saved.window);
  update();

  /** Moves the window from code (tests, Calendar links). */
  bar.setWindow = (t0, t1) => line.setWindow(t0, t1);
  /** Sets the weekday/hour filter (null clears it). */
  bar.setFilter = (filter) => {
    state.filter = filter;
    update();
    fire();
  };
  /** Chooses cameras from code: a mask or a list of indexes. */
  bar.setCameras = (chosen) => {
    boxes.forEach((b, k) => (b.checked = Array.isArray(chosen) ? chosen.includes(k) : !!chosen[k]));
    boxes.forEach((b, k) => (state.cams[k] = b.checked ? 1 : 0));
    if (!state.cams.some(Boolean)) state.cams.fill(1);
    if (!state.cams[state.camera]) state.camera = state.cams.indexOf(1);
    rebuild(true);
    stampWindowChange();
    update();
    bar.dispatchEvent(new Event("input", {bubbles: true}));
  };
  return bar;
}
