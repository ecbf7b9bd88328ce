// The run's event snapshots (data/snapshots.json) as a strip: one thumbnail per event in the
// window, in time order, for the kinds a page is about (line crossings on Footfall, entries into
// display zones on Dwell); clicking one shows its still large. Without a window or a clock it
// shows the whole run, times in seconds from its start. The element's value is the event
// shown (an "input" event fires on each choice), so a page can follow it.
const KIND = {cross: "crossed", zone: "entered", alert: "alert"};

/** In the timeline's window {t0, t1, full} (seconds from the run's start); no window: the whole run. */
const inWindow = (t, win) => !win || win.full || (t >= win.t0 && t < win.t1);

/** Seconds from the run's start, when a page has no clock of its own to give. */
const SECONDS = {format: (t) => `${t.toFixed(1)} s`};

/** "11:00:04 · walkway, in" — what the still is of, in the page's clock. */
export function snapshotLabel(s, clock = SECONDS) {
  const what = s.kind === "cross" ? `${s.name}, ${s.direction ?? "crossed"}`
    : s.kind === "zone" ? `entered ${s.name}${s.dwell != null ? ` for ${s.dwell.toFixed(1)} s` : ""}`
    : `alert: ${s.name}`;
  return `${clock.format(s.t)} · ${what}${s.class && s.class !== "person" ? ` (${s.class})` : ""}${s.track != null ? ` · track #${s.track}` : ""}`;
}

export function snapshotStrip(snapshots, {kinds, win, clock = SECONDS}) {
  const root = document.createElement("div");
  root.className = "smw-snapshots";
  const note = (text) => {
    const p = document.createElement("p");
    p.className = "smw-note";
    p.textContent = text;
    root.append(p);
    return root;
  };
  if (!snapshots.available) return note(snapshots.reason);
  const items = snapshots.items.filter((s) => kinds.includes(s.kind) && inWindow(s.t, win));
  if (!items.length) return note(`No ${kinds.map((k) => KIND[k]).join(" or ")} event with a snapshot in this window.`);
  const strip = document.createElement("div");
  strip.className = "smw-snapshot-strip";
  strip.setAttribute("role", "listbox");
  strip.setAttribute("aria-label", "events with a snapshot");
  const view = document.createElement("figure");
  view.className = "smw-snapshot-view";
  const big = document.createElement("img");
  const caption = document.createElement("figcaption");
  view.append(big, caption);
  const show = (item, button) => {
    big.src = item.image;
    big.alt = `snapshot: ${snapshotLabel(item, clock)}`;
    big.dataset.event = item.id;
    caption.textContent = `${snapshotLabel(item, clock)}${snapshots.blurred ? " · people blurred" : ""}`;
    for (const b of strip.children) b.setAttribute("aria-selected", String(b === button));
    root.value = item;
    root.dispatchEvent(new Event("input", {bubbles: true}));
  };
  for (const item of items) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "smw-snapshot";
    b.dataset.event = item.id;
    b.setAttribute("role", "option");
    b.title = snapshotLabel(item, clock);
    const img = document.createElement("img");
    img.src = item.image;
    img.alt = "";
    const label = document.createElement("span");
    label.textContent = clock.format(item.t);
    b.append(img, label);
    b.addEventListener("click", () => show(item, b));
    strip.append(b);
  }
  root.append(strip, view);
  show(items[0], strip.firstChild);
  return root;
}
