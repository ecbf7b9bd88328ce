// The footage's event snapshots (data/snapshots.json) as a strip: one thumbnail per event of the
// chosen cameras in the window, in time order, for the kinds a page is about (line crossings on
// Footfall, entries into display zones on Dwell); clicking one shows its still large. Times are on
// the store's clock (the scope bar's); without a window it shows everything. The element's value
// is the event shown (an "input" event fires on each choice), so a page can follow it.
const KIND = {cross: "crossed", zone: "entered", alert: "alert"};

/** In the timeline's window {t0, t1, full} (store clock); no window: all the footage. */
const inWindow = (t, win) => !win || win.full || (t >= win.t0 && t < win.t1);

/** Seconds from the run's start, when a page has no clock of its own to give. */
const SECONDS = {format: (t) => `${t.toFixed(1)} s`};

/** "11:00:04 · front · walkway, in" — what the still is of, in the page's clock. */
export function snapshotLabel(s, clock = SECONDS, cameras = []) {
  const what = s.kind === "cross" ? `${s.name}, ${s.direction ?? "crossed"}`
    : s.kind === "zone" ? `entered ${s.name}${s.dwell != null ? ` for ${s.dwell.toFixed(1)} s` : ""}`
    : `alert: ${s.name}`;
  const camera = cameras.length > 1 ? ` · ${cameras[s.camera]}` : "";
  return `${clock.format(s.t)}${camera} · ${what}${s.class && s.class !== "person" ? ` (${s.class})` : ""}${s.track != null ? ` · track #${s.track}` : ""}`;
}

export function snapshotStrip(snapshots, {kinds, win, clock = SECONDS, cams}) {
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
  const cameras = snapshots.cameras ?? [];
  const label = (s) => snapshotLabel(s, clock, cameras);
  const items = snapshots.items.filter((s) => kinds.includes(s.kind) && inWindow(s.t, win) && (!cams || cams[s.camera]));
  if (!items.length) return note(`No ${kinds.map((k) => KIND[k]).join(" or ")} event with a snapshot in this window${cameras.length > 1 ? " and these cameras" : ""}.`);
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
    big.alt = `snapshot: ${label(item)}`;
    big.dataset.event = item.id;
    caption.textContent = `${label(item)}${snapshots.blurred ? " · people blurred" : ""}`;
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
    b.title = label(item);
    const img = document.createElement("img");
    img.src = item.image;
    img.alt = "";
    const time = document.createElement("span");
    time.textContent = clock.format(item.t);
    b.append(img, time);
    b.addEventListener("click", () => show(item, b));
    strip.append(b);
  }
  root.append(strip, view);
  show(items[0], strip.firstChild);
  return root;
}
