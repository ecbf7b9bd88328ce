// The count audit: sampled frames with the run's person boxes. The analyst corrects each
// frame's count: click a box to reject it (a mannequin, a reflection, two boxes on one person),
// click the picture where a person was missed to add them (click the mark again to remove it).
// "Download labels" saves frame,count (frames from 1) as CSV, the file `smw calibrate --counts`
// reads. A static site cannot write files, so saving is a download made from a Blob.

const SVG = "http://www.w3.org/2000/svg";

/** Counts per frame from the audit state: accepted boxes + added people. */
export function auditCounts(state) {
  return state.frames.map((f) => ({
    frame: f.frame,
    count: f.boxes.filter((b) => b.counted).length + f.added.length
  }));
}

/** CSV text `frame,count` with 1-based frame numbers. */
export function labelsCsv(counts) {
  return ["frame,count", ...counts.map((c) => `${c.frame + 1},${c.count}`)].join("\n") + "\n";
}

/** Initial state: boxes count unless static or outside the counting region. */
export function initialState(audit) {
  return {
    frames: audit.frames.map((f) => ({
      frame: f.frame,
      boxes: f.boxes.map((b) => ({...b, counted: !b.static && b.inRegion !== false})),
      added: []
    }))
  };
}

function el(tag, attrs = {}, ns) {
  const node = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function clock(t) {
  const m = Math.floor(t / 60);
  const s = t - 60 * m;
  return `${m}:${s.toFixed(1).padStart(4, "0")}`;
}

const STYLE = `
.smw-audit-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 1rem; }
.smw-audit-frame { margin: 0; }
.smw-audit-frame svg { width: 100%; height: auto; display: block; cursor: crosshair; border-radius: 4px; }
.smw-audit-frame figcaption { font: 13px var(--sans-serif, system-ui); margin-top: 0.25rem; display: flex; justify-content: space-between; gap: 0.5rem; }
.smw-audit-count { font-weight: 600; }
.audit-box { fill: transparent; stroke-width: 3; cursor: pointer; vector-effect: non-scaling-stroke; }
.audit-box.counted { stroke: #f59e0b; }
.audit-box.rejected { stroke: #ef4444; stroke-dasharray: 6 4; opacity: 0.75; }
.audit-box.rejected.static { stroke: #9ca3af; }
.audit-added { fill: #22c55e; stroke: white; stroke-width: 2; cursor: pointer; vector-effect: non-scaling-stroke; }
.smw-audit-bar { display: flex; gap: 1rem; align-items: center; margin: 0.5rem 0 1rem; flex-wrap: wrap; }
.smw-audit-bar button { font: inherit; padding: 0.35rem 0.8rem; cursor: pointer; }
`;

/**
 * The audit widget for the JSON made by data/audit-frames.json.ts. Returns a node whose
 * `value` is the current [{frame, count}] and which fires "input" on every correction.
 */
export function auditView(audit) {
  const root = el("div", {class: "smw-audit"});
  if (!audit.available) {
    root.append(Object.assign(el("p", {class: "smw-audit-unavailable"}), {textContent: `No frames to audit: ${audit.reason}`}));
    root.value = [];
    return root;
  }
  root.append(Object.assign(el("style"), {textContent: STYLE}));
  const state = initialState(audit);
  const {width: W, height: H} = audit.video;

  const bar = el("div", {class: "smw-audit-bar"});
  const total = el("span", {class: "smw-audit-total"});
  const download = Object.assign(el("button", {type: "button", class: "smw-audit-download"}), {textContent: "Download labels (CSV)"});
  const reset = Object.assign(el("button", {type: "button", class: "smw-audit-reset"}), {textContent: "Undo all corrections"});
  bar.append(download, reset, total);
  const grid = el("div", {class: "smw-audit-grid"});
  root.append(bar, grid);

  const redraws = [];
  const changed = () => {
    const counts = auditCounts(state);
    root.value = counts;
    const corrections = state.frames.reduce((a, f) => a + f.added.length + f.boxes.filter((b) => b.counted === (b.static || b.inRegion === false)).length, 0);
    total.textContent = `${counts.reduce((a, c) => a + c.count, 0)} people in ${counts.length} frames · ${corrections} correction${corrections === 1 ? "" : "s"}`;
    root.dispatchEvent(new Event("input", {bubbles: true}));
  };

  audit.frames.forEach((f, fi) => {
    const fs = state.frames[fi];
    const fig = el("figure", {class: "smw-audit-frame", "data-frame": f.frame});
    const svg = el("svg", {viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `frame ${f.frame + 1}`}, SVG);
    const image = el("image", {href: f.image, x: 0, y: 0, width: W, height: H, class: "audit-image", preserveAspectRatio: "none"}, SVG);
    const boxes = el("g", {class: "audit-boxes"}, SVG);
    const added = el("g", {class: "audit-points"}, SVG);
    svg.append(image, boxes, added);
    const caption = el("figcaption");
    const label = Object.assign(el("span"), {textContent: `Frame ${f.frame + 1} · ${clock(f.t)}`});
    const count = el("span", {class: "smw-audit-count"});
    caption.append(label, count);
    fig.append(svg, caption);
    grid.append(fig);

    const radius = Math.max(W, H) / 90;
    const redraw = () => {
      boxes.replaceChildren(...fs.boxes.map((b, i) => {
        const [x1, y1, x2, y2] = b.box;
        const r = el("rect", {x: x1, y: y1, width: x2 - x1, height: y2 - y1, "data-i": i,
          class: `audit-box ${b.counted ? "counted" : "rejected"}${b.static ? " static" : ""}`}, SVG);
        const title = el("title", {}, SVG);
        title.textContent = `person, score ${b.score}${b.static ? ", static (matches the background)" : ""}${b.inRegion === false ? ", outside the counting region" : ""}: click to ${b.counted ? "reject" : "count"}`;
        r.append(title);
        return r;
      }));
      added.replaceChildren(...fs.added.map(([x, y], i) => el("circle", {cx: x, cy: y, r: radius, "data-i": i, class: "audit-added"}, SVG)));
      const n = fs.boxes.filter((b) => b.counted).length;
      const rejected = fs.boxes.length - n;
      count.textContent = `count ${n + fs.added.length}` + (rejected || fs.added.length ? ` (${fs.boxes.length} boxes, ${rejected} rejected, ${fs.added.length} added)` : "");
      fig.dataset.count = String(n + fs.added.length);
    };
    redraws.push(redraw);
    redraw();

    svg.addEventListener("click", (event) => {
      const target = event.target;
      if (target.classList.contains("audit-box")) {
        const b = fs.boxes[Number(target.dataset.i)];
        b.counted = !b.counted;
      } else if (target.classList.contains("audit-added")) {
        fs.added.splice(Number(target.dataset.i), 1);
      } else {
        const ctm = svg.getScreenCTM();
        if (!ctm) return;
        const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(ctm.inverse());
        fs.added.push([Math.round(p.x * 10) / 10, Math.round(p.y * 10) / 10]);
      }
      redraw();
      changed();
    });
  });

  download.addEventListener("click", () => {
    const blob = new Blob([labelsCsv(auditCounts(state))], {type: "text/csv"});
    const url = URL.createObjectURL(blob);
    const a = el("a", {href: url, download: `${audit.run}-labels.csv`});
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  reset.addEventListener("click", () => {
    const fresh = initialState(audit);
    state.frames.forEach((f, i) => Object.assign(f, fresh.frames[i]));
    redraws.forEach((r) => r());
    changed();
  });

  changed();
  return root;
}
