// How long a window change takes to reach the screen: the timeline stamps each change, every
// view reports when it has drawn (`ms`, the DOM is updated) and when that has been painted
// (`painted`, after the next frame). The browser test reads globalThis.__smwRenders.
let sequence = 0;

export function stampWindowChange() {
  globalThis.__smwWindowChange = {id: ++sequence, at: performance.now()};
}

/** Call at the end of a view's render; returns the element for chaining. */
export function rendered(view, element) {
  const change = globalThis.__smwWindowChange;
  if (change) {
    const log = (globalThis.__smwRenders ??= []);
    const entry = {id: change.id, view, ms: performance.now() - change.at, painted: NaN};
    log.push(entry);
    if (log.length > 5000) log.splice(0, 2500);
    requestAnimationFrame(() => setTimeout(() => (entry.painted = performance.now() - change.at), 0));
  }
  return element;
}
