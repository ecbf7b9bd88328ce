// Where the picture changed: the pipeline's motion heatmap (inferno over the dimmed background
// plate, √-scaled so quiet areas still show) in source-video pixels, with its colour legend.
import * as Plot from "@observablehq/plot";
import {videoFrame} from "./video-frame.js";

/**
 * @param src URL of motion_heatmap.png
 * @param options.width chart width in CSS pixels
 * @param options.videoWidth, options.videoHeight source-video size in pixels
 */
export function motionMap(src, {width, videoWidth, videoHeight}) {
  const frame = videoFrame({width, videoWidth, videoHeight});
  const figure = document.createElement("figure");
  figure.className = "smw-motion-map";
  figure.append(
    Plot.legend({
      color: {
        type: "sqrt",
        scheme: "inferno",
        domain: [0, 1],
        label: "change, relative to the busiest cells",
        ticks: [0, 0.05, 0.25, 0.5, 1],
        tickFormat: "%",
        width: 260
      }
    }),
    Plot.plot({
      ...frame.options,
      marks: [frame.image(src), Plot.frame({stroke: "currentColor", strokeOpacity: 0.2})]
    })
  );
  return figure;
}
