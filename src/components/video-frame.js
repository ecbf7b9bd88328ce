// Plot pieces for charts drawn in source-video pixel coordinates: x to the right, y down
// (row 0 at the top, as in the picture), the picture's aspect ratio kept at any width.
import * as Plot from "@observablehq/plot";

const MARGIN = {marginTop: 20, marginRight: 8, marginBottom: 32, marginLeft: 44};

/**
 * Plot options for a frame of `videoWidth` x `videoHeight` pixels drawn `width` CSS pixels
 * wide, plus `image(src)`, a mark that lays a picture of that frame exactly over the axes.
 */
export function videoFrame({width, videoWidth, videoHeight, unit = "px", offset = [0, 0]}) {
  width = Math.max(240, width || 0); // resize() reports 0 while the page is not laid out
  const innerWidth = width - MARGIN.marginLeft - MARGIN.marginRight;
  const innerHeight = Math.round((innerWidth * videoHeight) / videoWidth);
  return {
    innerWidth,
    innerHeight,
    options: {
      ...MARGIN,
      width,
      height: innerHeight + MARGIN.marginTop + MARGIN.marginBottom,
      // a cropped view (the floor plan's part the cameras see) labels its axes in the whole picture's units
      x: {domain: [0, videoWidth], label: `x (${unit}) →`, labelAnchor: "right", labelOffset: 28, ticks: 6, tickFormat: (d) => +(d + offset[0]).toFixed(2)},
      y: {domain: [videoHeight, 0], label: `↓ y (${unit})`, labelAnchor: "top", ticks: 5, tickFormat: (d) => +(d + offset[1]).toFixed(2)}
    },
    image: (src, options = {}) =>
      Plot.image([0], {
        x: () => videoWidth / 2,
        y: () => videoHeight / 2,
        width: innerWidth,
        height: innerHeight,
        src: () => src,
        preserveAspectRatio: "none",
        ...options
      })
  };
}
