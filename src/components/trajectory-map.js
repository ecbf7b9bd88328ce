// Where people walked: each track's foot points as a line over the background plate, coloured
// by time so direction reads at a glance (dark = early, bright = late).
import * as Plot from "@observablehq/plot";
import {videoFrame} from "./video-frame.js";

/**
 * @param trajectories the output of data/trajectories.json: {width, height, duration, tracks,
 *   points: {track_id, t, x, y}} (columnar, ordered by track then time)
 * @param options.width chart width in CSS pixels
 * @param options.background URL of the background plate (optional)
 */
export function trajectoryMap(trajectories, {width, background, scheme = "plasma"} = {}) {
  const {width: videoWidth, height: videoHeight, duration, tracks, points} = trajectories;
  const frame = videoFrame({width, videoWidth, videoHeight});
  const n = points.t.length;
  const data = {length: n};
  const {x, y, t, track_id: id} = points;
  // last point of each track, for its label
  const ends = [];
  for (let i = 0; i < n; i++) if (i === n - 1 || id[i + 1] !== id[i]) ends.push(i);
  const starts = [];
  for (let i = 0; i < n; i++) if (i === 0 || id[i - 1] !== id[i]) starts.push(i);
  const span = new Map(tracks.map((d) => [d.id, d]));
  return Plot.plot({
    ...frame.options,
    color: {type: "linear", scheme, domain: [0, duration], label: "time (s)", legend: true, width: 260},
    marks: [
      background ? frame.image(background, {opacity: 0.85}) : null,
      Plot.frame({stroke: "currentColor", strokeOpacity: 0.2}),
      // dark halo under each path keeps it readable over any part of the picture
      Plot.line(data, {x, y, z: id, stroke: "#111", strokeOpacity: 0.55, strokeWidth: 5, strokeLinejoin: "round", strokeLinecap: "round"}),
      Plot.line(data, {x, y, z: id, stroke: t, strokeWidth: 2.5, strokeLinejoin: "round", strokeLinecap: "round"}),
      Plot.dot(starts, {x: (i) => x[i], y: (i) => y[i], r: 3, fill: "white", stroke: "#111", strokeWidth: 1}),
      Plot.dot(ends, {x: (i) => x[i], y: (i) => y[i], r: 4, fill: (i) => t[i], stroke: "white", strokeWidth: 1.5}),
      Plot.text(ends, {
        x: (i) => x[i],
        y: (i) => y[i],
        text: (i) => `#${id[i]}`,
        dy: -10,
        fill: "white",
        stroke: "#111",
        strokeWidth: 3,
        fontSize: 11,
        fontWeight: 600
      }),
      Plot.tip(
        data,
        Plot.pointer({
          x,
          y,
          channels: {
            track: {value: id, label: "track"},
            time: {value: t, label: "time (s)"},
            seen: {value: (_, i) => {
              const s = span.get(id[i]);
              return s ? `${s.start.toFixed(1)}–${s.end.toFixed(1)} s` : "";
            }, label: "in view"}
          },
          format: {x: (v) => `${v.toFixed(0)} px`, y: (v) => `${v.toFixed(0)} px`, track: true, time: (v) => v.toFixed(2), seen: true},
          maxRadius: 24
        })
      )
    ]
  });
}
