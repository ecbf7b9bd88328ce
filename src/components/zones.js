// Camera-config overlays in source-video pixels: zones as outlined polygons with their names,
// counting lines with an arrow to their "in" side. White on a dark halo: readable on any plate.
import * as Plot from "@observablehq/plot";

const HALO = {stroke: "#111", strokeOpacity: 0.55};

/**
 * @param zones [{name, polygon, kind}] (config.zones); lines [{name, a, b}] (config.lines)
 * @param highlight zone index drawn solid (others dashed), or -1
 */
export function zoneMarks({zones = [], lines = [], highlight = -1, labels = true, width = 640, unitScale = 1} = {}) {
  const marks = [];
  if (zones.length) {
    const features = zones.map((z, i) => ({
      name: z.name,
      i,
      geometry: {type: "Polygon", coordinates: [[...z.polygon, z.polygon[0]]]},
      corner: topLeft(z.polygon)
    }));
    marks.push(
      Plot.geo(features, {geometry: "geometry", ...HALO, strokeWidth: 3, ariaDescription: "zone halo"}),
      Plot.geo(features, {
        geometry: "geometry",
        stroke: "white",
        strokeWidth: (d) => (d.i === highlight ? 2.5 : 1.4),
        strokeDasharray: (d) => (d.i === highlight ? null : "5,3"),
        fill: (d) => (d.i === highlight ? "white" : "none"),
        fillOpacity: 0.12,
        ariaDescription: "zone"
      })
    );
    if (labels)
      marks.push(
        Plot.text(features, {x: (d) => d.corner[0], y: (d) => d.corner[1], text: "name", dx: 4, dy: 9, textAnchor: "start", fill: "white", ...HALO, strokeWidth: 3, fontSize: 11, fontWeight: 600, ariaDescription: "zone label"})
      );
  }
  if (lines.length) {
    const segments = lines.map((l) => {
      const [ax, ay] = l.a, [bx, by] = l.b;
      const len = Math.hypot(bx - ax, by - ay) || 1;
      // the arrow points to the "in" side: right or left of a -> b as seen in the picture (y down)
      const sign = l.in === "left" ? -1 : 1;
      const nx = (sign * -(by - ay)) / len, ny = (sign * (bx - ax)) / len;
      const mx = (ax + bx) / 2, my = (ay + by) / 2;
      return {...l, mx, my, ix: mx + nx * 28 * unitScale, iy: my + ny * 28 * unitScale, top: ay <= by ? l.a : l.b};
    });
    marks.push(
      Plot.link(segments, {x1: (d) => d.a[0], y1: (d) => d.a[1], x2: (d) => d.b[0], y2: (d) => d.b[1], ...HALO, strokeWidth: 5, ariaDescription: "line halo"}),
      Plot.link(segments, {x1: (d) => d.a[0], y1: (d) => d.a[1], x2: (d) => d.b[0], y2: (d) => d.b[1], stroke: "#5eead4", strokeWidth: 2.5, ariaDescription: "counting line"}),
      Plot.arrow(segments, {x1: "mx", y1: "my", x2: "ix", y2: "iy", stroke: "#5eead4", strokeWidth: 2, headLength: 7, ariaDescription: "in arrow"}),
      // name at the line's upper end, kept inside the picture
      ...["start", "middle", "end"].map((textAnchor) =>
        Plot.text(
          segments.filter((d) => anchor(d.top[0], width) === textAnchor),
          {x: (d) => d.top[0], y: (d) => d.top[1], text: (d) => `${d.name} line · arrow = in`, textAnchor, dy: -8, fill: "#5eead4", ...HALO, strokeWidth: 3, fontSize: 11, fontWeight: 600, ariaDescription: "line label"}
        )
      )
    );
  }
  return marks;
}

// the top-most vertex of the polygon's left half: its name goes just inside it
function topLeft(polygon) {
  const xs = polygon.map((p) => p[0]);
  const mid = (Math.min(...xs) + Math.max(...xs)) / 2;
  const left = polygon.filter((p) => p[0] <= mid);
  return left.reduce((best, p) => (p[1] < best[1] || (p[1] === best[1] && p[0] < best[0]) ? p : best), left[0]);
}

// text anchor that keeps a label near x inside a picture `width` pixels wide
function anchor(x, width) {
  return x > width * 0.7 ? "end" : x < width * 0.3 ? "start" : "middle";
}
