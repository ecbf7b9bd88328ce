// The body of the detector's worker thread (detector-thread.ts starts it): one Detector, frames
// taken one at a time in the order they arrive. onnxruntime-node's session.run blocks the thread
// that calls it, so running it here leaves the main thread free to decode, compare with the plate,
// count, track and write other frames meanwhile.
import { parentPort, workerData } from "node:worker_threads";
import { UserError } from "../errors.ts";
import { Detector } from "./detector.ts";
import type { DetectRequest, ThreadReply, ThreadStart } from "./detector-thread.ts";

const port = parentPort!;
const start = workerData as ThreadStart;

try {
  const detector = await Detector.load(start.manifest, start.options);
  port.postMessage({ type: "ready", classNames: detector.classNames, iouThreshold: detector.iouThreshold, sessionChoice: detector.sessionChoice } satisfies ThreadReply);
  // one frame at a time: the detector fills one input tensor, so two frames must never interleave
  let queue = Promise.resolve();
  port.on("message", (req: DetectRequest | { type: "close" }) => {
    if ("type" in req) {
      // after the frames already sent: onnxruntime must not be torn down in the middle of a run (it aborts the process)
      queue = queue.then(async () => {
        await detector.release();
        port.close();
      });
      return;
    }
    queue = queue.then(async () => {
      const t0 = performance.now();
      try {
        const d = await detector.detect(new Uint8Array(req.pixels), req.order, req.sourceWidth, req.sourceHeight);
        const reply: ThreadReply = { type: "done", id: req.id, count: d.count, boxes: d.boxes, scores: d.scores, classes: d.classes, ms: performance.now() - t0, pixels: req.pixels };
        port.postMessage(reply, [d.boxes.buffer as ArrayBuffer, d.scores.buffer as ArrayBuffer, d.classes.buffer as ArrayBuffer, req.pixels]);
      } catch (e) {
        port.postMessage({ type: "failed", id: req.id, message: (e as Error).stack ?? String(e) } satisfies ThreadReply);
      }
    });
  });
} catch (e) {
  port.postMessage({ type: "error", message: (e as Error).message, user: e instanceof UserError } satisfies ThreadReply);
}
