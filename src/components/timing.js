// How long a window change takes to reach the screen: the timeline stamps each change, every
// view reports when it has drawn. The browser test reads globalThis.__smwRenders.
let sequence = 0;

export function stampWindowChange() {
  globalThis.__smwWindowChange = {id: ++sequence, at: performance.now()};
}

/** Call at the end of a view's render; returns the element for chaining. */
export function rendered(view, element) {
  const change = globalThis.__smwWindowChange;
  if (change) {
    const log = (globalThis.__smwRenders ??= []);
    log.push({id: change.id, view, ms: performance.now() - change.at});
    if (log.length > 2000) log.splice(0, 1000);
  }
  return element;
}
