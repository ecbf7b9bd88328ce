// data/audit-frames.json: the Count audit page's material. About 12 frames spread over one run
// (the site's run; for a dataset, a segment from the middle of the first chosen camera's period)
// (pictures as JPEG data: URLs, at most 640 px wide) with the run's person boxes on them, so an
// analyst can correct the count frame by frame and download a labelled-frames file for
// `smw calibrate`. No video, no frames: { available: false, reason }. The heads of every person
// box in a frame are blurred (still enough to count) unless the build asks for raw pictures, and
// a site built for others (`smw publish`, $SMW_SNAPSHOTS=none) carries no frames at all.
import { existsSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { auditSample, frameImages } from "../../loaders/count/frame-images.ts";
import { headPoint, loadRoiMask, roiContains, type RoiMask } from "../../loaders/count/roi.ts";
import { runStride } from "../../loaders/run/contract.ts";
import { blurScaled, personBoxes, siteSnapshots } from "./_lib/privacy.ts";
import { emitJson, openRunDir } from "./_lib/run.ts";
import { chooseStore } from "./_lib/store.ts";

const FRAMES = Number(process.env.SMW_AUDIT_FRAMES ?? 12);

const { cameras } = await chooseStore();
const audited = cameras[0];
const run = await openRunDir(audited.dirs[Math.floor(audited.dirs.length / 2)]);
try {
  const { info } = run;
  const { video } = info;
  const privacy = siteSnapshots();
  if (privacy === "none") {
    await emitJson({ available: false, reason: "this site was published without pictures of people (smw publish --snapshots none); audit the counts in the workbench on the store's own machine (npm run dev), or publish with --snapshots blurred" });
  } else if (!existsSync(video.path)) {
    await emitJson({ available: false, reason: `the run's video ${video.path} is not on this machine; rebuild the site where it is` });
  } else {
    const frames = auditSample(info.framesAnalysed, runStride(info), FRAMES);
    const cols = (await run.rows(`DESCRIBE SELECT * FROM detections`)).map((r) => String(r.column_name));
    const hasStatic = cols.includes("static");
    const threshold = info.thresholds.count;
    const rows = frames.length
      ? await run.rows(`SELECT frame, x1, y1, x2, y2, score${hasStatic ? ", static" : ""} FROM detections
          WHERE frame IN (${frames.join(",")}) AND score >= ${Number(threshold)} ORDER BY frame, score DESC`)
      : [];
    let roi: RoiMask | undefined;
    if (info.counting?.roi) {
      const path = resolve(dirname(resolve(run.dir, "run.json")), info.counting.roi);
      if (existsSync(path)) roi = loadRoiMask(path);
    }
    const people = privacy === "raw" ? new Map() : await personBoxes(run, frames);
    const images = await frameImages(video.path, frames, video.width, video.height, 640, (frame, rgb, width, height) =>
      blurScaled({ data: rgb, width, height }, people.get(frame) ?? [], video.width, video.height));
    await emitJson({
      available: true,
      run: basename(run.dir),
      camera: cameras.length > 1 || process.env.SMW_DATA ? audited.camera : null,
      video: { file: basename(video.path), width: video.width, height: video.height, fps: video.fps },
      scoreThreshold: threshold,
      blurred: privacy !== "raw",
      frames: images.map((img) => {
        const boxes = rows.filter((r) => Number(r.frame) === img.frame).map((r) => {
          const b = [Number(r.x1), Number(r.y1), Number(r.x2), Number(r.y2)];
          const [hx, hy] = headPoint(b, 0);
          return {
            box: b.map((v) => Math.round(v * 10) / 10),
            score: Math.round(Number(r.score) * 1000) / 1000,
            static: hasStatic ? r.static === true || r.static === "true" : false,
            inRegion: roiContains(roi, hx, hy, video.width, video.height),
          };
        });
        return { frame: img.frame, t: img.frame / video.fps, image: `data:image/jpeg;base64,${img.jpeg.toString("base64")}`, boxes };
      }),
    });
  }
} finally {
  run.close();
}
