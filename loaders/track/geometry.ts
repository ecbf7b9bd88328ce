// Box geometry lives in loaders/geometry/box.ts, the one home of iou and foot points; the
// trackers import it from here, next to them.
export * from "../geometry/box.ts";
