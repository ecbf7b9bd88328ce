// The overlapped pipeline changes where work runs, never what it gives: the detector threads find
// the in-process detector's boxes bit for bit, the motion step split for read-ahead gives add()'s
// grid, a frame the detector saw before the plate existed still goes through the gate, and the
// plate's samples taken in one decoding pass are the frames seeking gave.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Detector } from "../loaders/detect/detector.ts";
import { DetectorPool } from "../loaders/detect/detector-thread.ts";
import { choosePool } from "../loaders/detect/session-options.ts";
import { loadManifest } from "../loaders/detect/manifest.ts";
import { UserError } from "../loaders/errors.ts";
import { StageClock } from "../loaders/pipeline/clock.ts";
import { InOrder } from "../loaders/pipeline/in-order.ts";
import { MotionGate } from "../loaders/pipeline/motion-gate.ts";
import type { FrameContext, Stage } from "../loaders/pipeline/stage.ts";
import { MotionAccumulator } from "../loaders/scene/motion.ts";
import type { Detections } from "../loaders/types.ts";
import { FrameStream, framesAtTimes } from "../loaders/video/frames.ts";
import { probeVideo } from "../loaders/video/probe.ts";
import { sampleFrames, sampleTimes } from "../loaders/video/sample-frames.ts";

const CLIP = join(import.meta.dirname, "..", "data/clips/tud-stadtmitte.mp4");
const [W, H] = [384, 288];

async function frames(n: number, every = 1): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const f of new FrameStream(CLIP, { width: W, height: H, stride: every })) {
    out.push(f.data.slice());
    if (out.length >= n) break;
  }
  return out;
}

const plain = (d: Detections) => ({ count: d.count, boxes: Array.from(d.boxes), scores: Array.from(d.scores), classes: Array.from(d.classes) });

test("two detector threads find exactly the in-process detector's boxes on real frames, whichever thread takes a frame", async () => {
  const pictures = await frames(24, 7);
  const opts = { inputSize: [W, H] as [number, number], scoreThreshold: 0.2 };
  const local = await Detector.load(loadManifest(), opts);
  const expected = [];
  for (const p of pictures) expected.push(plain(await local.detect(p, "BGR", 640, 480)));
  const pool = await DetectorPool.start(loadManifest(), opts, { workers: 2, threads: 1, why: "test" });
  try {
    // all frames at once: the threads answer out of order, every promise its own frame's boxes
    const got = await Promise.all(pictures.map((p) => pool.detect(p, "BGR", 640, 480)));
    assert.deepEqual(got.map(plain), expected);
    assert.ok(expected.reduce((n, d) => n + d.count, 0) > 50, "the frames hold people");
    assert.ok(pool.busyMs > 0);
  } finally {
    await pool.close();
  }
});

test("a detector thread that cannot load its model stops with the detector's own one-line error", async () => {
  const manifest = { ...loadManifest(), file: "missing.onnx" };
  await assert.rejects(DetectorPool.start(manifest, { inputSize: [W, H] }, { workers: 2, threads: 1, why: "test" }), (e: Error) => e instanceof UserError && /missing\.onnx: model file missing/.test(e.message));
});

test("pool size: frames shared between single-threaded sessions on 1-2 cores, one core left above that; --threads sets threads per session", () => {
  assert.deepEqual([1, 2, 3, 4, 8, 64].map((cores) => choosePool(undefined, cores).workers), [1, 2, 2, 3, 4, 4]);
  assert.ok([1, 2, 8].every((cores) => choosePool(undefined, cores).threads === 1));
  assert.deepEqual(choosePool(2, 2), { workers: 1, threads: 2, why: "threads per session set by the caller" });
  assert.equal(choosePool(1, 4).workers, 4);
});

test("motion in three steps, compared ahead and added in order, gives add()'s grid and changed cells bit for bit", async () => {
  const pictures = await frames(30, 3);
  const [gw, gh] = [W / 2, H / 2];
  const plate = new MotionAccumulator(W, H, new Float32Array(gw * gh), { factor: 2 }).luma(pictures[0], "BGR", new Float32Array(gw * gh));
  const whole = new MotionAccumulator(W, H, plate, { factor: 2 });
  const split = new MotionAccumulator(W, H, plate, { factor: 2 });
  const changedWhole = pictures.map((p) => (whole.add(p, "BGR"), whole.changed));
  const ahead = pictures.map((p) => {
    const gray = split.luma(p, "BGR", new Float32Array(gw * gh));
    const blurred = new Float32Array(gw * gh);
    return { gray, blurred, changed: split.compare(gray, blurred) };
  });
  assert.equal(split.frames, 0, "comparing moves nothing");
  for (const a of ahead) split.accumulate(a.blurred);
  assert.deepEqual(ahead.map((a) => a.changed), changedWhole);
  assert.deepEqual(split.grid, whole.grid);
  assert.equal(split.frames, pictures.length);
  assert.deepEqual(ahead.at(-1)!.gray, whole.gray);
});

test("a frame detected before the plate existed still meets the gate: a still one drops its boxes and counts as skipped, a busy one keeps them", async () => {
  const [still, busy] = await frames(2, 60);
  const [gw, gh] = [W / 2, H / 2];
  const motion = new MotionAccumulator(W, H, new MotionAccumulator(W, H, new Float32Array(gw * gh), { factor: 2 }).luma(still, "BGR", new Float32Array(gw * gh)), { factor: 2 });
  const gate = new MotionGate(0.001, motion.regionCells);
  const seen: FrameContext[] = [];
  const stage: Stage = { timing: "count", onFrame: (f) => void seen.push({ ...f }), commit: async () => {}, finish: async () => {} };
  const inOrder = new InOrder(motion, gate, [stage], new StageClock(), 25);
  const local = await Detector.load(loadManifest(), { inputSize: [W, H] });
  const ahead = (frame: number, p: Uint8Array) => ({ frame, gray: motion.luma(p, "BGR", new Float32Array(gw * gh)), detections: local.detect(p, "BGR", 640, 480) });
  assert.ok((await ahead(0, still).detections).count > 0, "the still frame has people the detector finds");
  await inOrder.finish(ahead(0, still));
  await inOrder.finish(ahead(60, busy));
  assert.equal(seen[0].detections.count, 0);
  assert.ok(seen[1].detections.count > 0);
  assert.equal(gate.skipped, 1);
  assert.deepEqual([seen[0].t, seen[1].t], [0, 60 / 25], "no stream time: frame / fps");
  assert.equal(motion.frames, 2);
});

test("the plate's 25 samples taken in one decoding pass are, byte for byte, the frames a seek to each time gives (both bundled clips)", async () => {
  for (const clip of ["tud-stadtmitte.mp4", "tud-campus.mp4"]) {
    const v = await probeVideo(join(import.meta.dirname, "..", "data/clips", clip));
    const seeks = await sampleFrames(v.path, v.duration, { count: 25, width: 320, height: 240 });
    const once = await framesAtTimes(v.path, sampleTimes(v.duration, 25), 320, 240);
    assert.equal(seeks.frames.length, 25);
    assert.ok(once, `${clip}: one frame per time`);
    assert.ok(once.every((f, i) => Buffer.compare(f, seeks.frames[i]) === 0), `${clip}: the same frames`);
    assert.ok(Buffer.compare(once[0], once[24]) !== 0, "spread over the clip");
  }
  // two times between the same two frames: no frame per time, so the caller seeks instead
  const v = await probeVideo(CLIP);
  assert.equal(await framesAtTimes(v.path, [1.001, 1.002], 64, 48), undefined);
});
