// data/{a,b}/background.png: the run's people-free background plate (a 1x1 grey pixel for an
// unconfigured run B). A person who stood still for most of the run is part of the plate (the
// man at the shop window of the demo clip is): their head is blurred here unless the build asks
// for raw pictures ($SMW_SNAPSHOTS, _lib/privacy.ts).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decode, encode } from "fast-png";
import { readRun } from "../../../loaders/run/read.ts";
import { blurScaled, plateBoxes, siteSnapshots } from "../_lib/privacy.ts";
import { hasRunB, emit, ensureRunDir, openRun, whichRun } from "../_lib/run.ts";

const which = whichRun();
const GREY_PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGO4AwAAywDKNMsCbgAAAABJRU5ErkJggg==";
if (which === "b" && !hasRunB()) {
  await emit(Buffer.from(GREY_PIXEL, "base64"));
} else {
  const dir = await ensureRunDir(which);
  const png = readFileSync(join(dir, "background.png"));
  if (siteSnapshots() === "raw") {
    await emit(png);
  } else {
    const run = await openRun(which);
    const boxes = await plateBoxes(run).finally(() => run.close());
    const img = decode(png);
    const channels = img.channels;
    if (!boxes.length || channels !== 3 || img.depth !== 8) {
      await emit(png);
    } else {
      const data = Uint8Array.from(img.data as Uint8Array);
      const { video } = readRun(dir);
      blurScaled({ data, width: img.width, height: img.height }, boxes, video.width, video.height);
      await emit(encode({ width: img.width, height: img.height, data, channels: 3, depth: 8 }));
    }
  }
}
