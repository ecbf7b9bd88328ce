import { test } from "node:test";
import assert from "node:assert/strict";
import { FrameStream } from "../loaders/video/frames.ts";
import { probeVideo } from "../loaders/video/probe.ts";
import { sampleFrames } from "../loaders/video/sample-frames.ts";

const CLIP = "data/clips/tud-stadtmitte.mp4";

test("probe reads size, frame rate, frame count and duration of the bundled clip", async () => {
  const v = await probeVideo(CLIP);
  assert.equal(v.width, 640);
  assert.equal(v.height, 480);
  assert.equal(v.fps, 25);
  assert.equal(v.frameCount, 179);
  assert.ok(Math.abs(v.duration - 7.16) < 0.05);
});

test("frame stream yields every frame, scaled, and every Nth with --stride", async () => {
  const all = new FrameStream(CLIP, { width: 96, height: 64, pixFmt: "gray" });
  const firstRows: number[] = [];
  let n = 0;
  for await (const f of all) {
    assert.equal(f.data.length, 96 * 64);
    assert.equal(f.frame, n++);
    if (f.frame % 3 === 0) firstRows.push(f.data[96 * 32 + 48]);
  }
  assert.equal(n, 179);
  assert.equal(all.end.error, undefined);

  const strided = new FrameStream(CLIP, { width: 96, height: 64, pixFmt: "gray", stride: 3 });
  const got: number[] = [];
  for await (const f of strided) {
    assert.equal(f.frame % 3, 0);
    got.push(f.data[96 * 32 + 48]);
  }
  assert.equal(got.length, 60);
  // the same source frames come out, not just the same number of them
  assert.deepEqual(got, firstRows);
});

test("a slow consumer of small frames gets each frame's own pixels (ffmpeg's chunks hold several frames)", async () => {
  const sum = (d: Uint8Array) => d.reduce((a, v, i) => (a + v * (1 + (i % 7))) % 1_000_003, 0);
  const fast: number[] = [];
  for await (const f of new FrameStream(CLIP, { width: 32, height: 24, pixFmt: "gray" })) fast.push(sum(f.data));
  const slow: number[] = [];
  for await (const f of new FrameStream(CLIP, { width: 32, height: 24, pixFmt: "gray", queue: 2 })) {
    const before = sum(f.data);
    await new Promise((r) => setTimeout(r, 2)); // ffmpeg runs ahead meanwhile
    assert.equal(sum(f.data), before, `frame ${f.frame} changed while the consumer held it`);
    slow.push(before);
  }
  assert.equal(slow.length, 179);
  assert.deepEqual(slow, fast);
});

test("stopping early kills ffmpeg and returns the frames taken", async () => {
  const s = new FrameStream(CLIP, { width: 64, height: 48, pixFmt: "gray" });
  let n = 0;
  for await (const _ of s) if (++n === 10) break;
  assert.equal(s.end.frames, 10);
});

test("sampled frames for the background come from across the clip", async () => {
  const s = await sampleFrames(CLIP, 7.16, { count: 5, width: 64, height: 48 });
  assert.equal(s.frames.length, 5);
  assert.ok(s.times[0] < 1 && s.times[4] > 6);
  assert.notDeepEqual(s.frames[0], s.frames[4]);
});
