// The queue's pure parts (job ids, planning into the dataset layout, Redis URLs, grouping a
// dataset by camera) and the motion gate's test, without Redis; and the one-line error when Redis
// is not there, through the real CLI.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { parseCameraConfig } from "../loaders/config/camera.ts";
import { UserError } from "../loaders/errors.ts";
import { MotionGate } from "../loaders/pipeline/motion-gate.ts";
import { planSegments, segmentStarts } from "../loaders/pipeline/segments.ts";
import { checkStoreId, segmentJobId } from "../loaders/queue/jobs.ts";
import { parseRedisUrl } from "../loaders/queue/redis.ts";
import { camerasOf } from "../loaders/run/read.ts";
import { MotionAccumulator } from "../loaders/scene/motion.ts";
import { freePort, smwAsync } from "./queue-fixtures.ts";

test("job id: the same file gives the same id, a re-recorded one (new mtime) another; no ':' (BullMQ refuses it)", () => {
  const d = { store: "shop:1", camera: "front", segment: "front_20240507_120000", size: 1000, mtimeMs: 1715083200123.4 };
  assert.equal(segmentJobId(d), segmentJobId({ ...d }));
  assert.notEqual(segmentJobId(d), segmentJobId({ ...d, mtimeMs: d.mtimeMs + 1000 }));
  assert.notEqual(segmentJobId(d), segmentJobId({ ...d, camera: "side" }));
  assert.ok(!segmentJobId(d).includes(":"), segmentJobId(d));
});

test("store ids name a folder: a slash or a space is refused with the flag named", () => {
  assert.equal(checkStoreId("demo-store_2"), "demo-store_2");
  for (const bad of ["a/b", "my store", "", "../x"]) assert.throws(() => checkStoreId(bad), (e: Error) => e instanceof UserError && /--store/.test(e.message));
});

test("a store's segments plan into store=/camera=/date=/segment/, one file too, dates in the camera's time zone", () => {
  const config = parseCameraConfig({ camera: "front", timezone: "Europe/Berlin" });
  const videos = ["/f/front_20240506_233000.mp4", "/f/front_20240507_003000.mp4"];
  const plans = planSegments(videos, "/root", segmentStarts(videos, [1800, 1800], config), config, "demo");
  assert.deepEqual(plans.map((p) => p.out), [
    "/root/store=demo/camera=front/date=2024-05-06/front_20240506_233000",
    "/root/store=demo/camera=front/date=2024-05-07/front_20240507_003000",
  ]);
  const one = planSegments(videos.slice(0, 1), "/root", segmentStarts(videos.slice(0, 1), [1800], config), config, "demo");
  assert.equal(one[0].out, "/root/store=demo/camera=front/date=2024-05-06/front_20240506_233000");
  // without a store, `smw analyze` keeps its own layout
  assert.equal(planSegments(videos.slice(0, 1), "/root", [null], config)[0].out, "/root");
});

test("Redis URLs: host, port and database read; anything but redis:// is a usage error naming --redis", () => {
  assert.deepEqual(parseRedisUrl("redis://10.0.0.5:6380/2"), { url: "redis://10.0.0.5:6380/2", host: "10.0.0.5", port: 6380, db: 2, password: undefined });
  assert.equal(parseRedisUrl().port, 6379);
  for (const bad of ["http://x:6379", "not a url", "redis://h:1/x"]) assert.throws(() => parseRedisUrl(bad), (e: Error) => e instanceof UserError && /--redis/.test(e.message));
});

test("a dataset groups by store and camera; a glob only where the path given is the camera folder or above", () => {
  const run = (s: string, c: string, d: string, seg: string) => join("/data", `store=${s}`, `camera=${c}`, `date=${d}`, seg);
  const dirs = [run("a", "front", "2024-05-06", "x"), run("a", "front", "2024-05-07", "y"), run("a", "side", "2024-05-06", "z"), run("b", "front", "2024-05-06", "w")];
  const groups = camerasOf(dirs, ["/data"]);
  assert.deepEqual(groups.map((g) => [g.store, g.camera, g.dirs.length]), [["a", "front", 2], ["a", "side", 1], ["b", "front", 1]]);
  assert.equal(groups[0].glob, "/data/store=a/camera=front/date=*/*/tracks.parquet");
  // one date folder asked for: the camera's glob would take the other dates too
  assert.equal(camerasOf(dirs.slice(0, 1), ["/data/store=a/camera=front/date=2024-05-06"])[0].glob, null);
});

test("motion gate: a frame equal to the plate changes no cell and skips the detector; a person-sized patch opens it", () => {
  const [w, h] = [384, 288];
  const plateGray = new Float32Array((w / 2) * (h / 2)).fill(100);
  const m = new MotionAccumulator(w, h, plateGray, { factor: 2 });
  const gate = new MotionGate(0.001, m.regionCells);
  const frame = new Uint8Array(w * h * 3).fill(100);
  m.add(frame);
  assert.equal(m.changed, 0);
  assert.equal(gate.wantsDetector(m.changed), false);
  // a person 60 px tall in a 640x480 picture: 36x12 px at the 384x288 input, 60 grey levels darker
  for (let y = 120; y < 156; y++) frame.fill(40, (y * w + 200) * 3, (y * w + 212) * 3);
  m.add(frame);
  assert.ok(m.changed >= 0.001 * m.regionCells, `changed cells ${m.changed}`);
  assert.equal(gate.wantsDetector(m.changed), true);
  assert.equal(gate.skipped, 1);
});

test("queue commands without Redis: exit 2 and one line saying where Redis was looked for and how to start it", async () => {
  const url = `redis://127.0.0.1:${await freePort()}`;
  for (const args of [["queue", "status"], ["queue", "add", "data/clips/tud-campus.mp4", "--store", "s", "--config", "data/camera.example.json"], ["worker", "--data", "/tmp/x"]]) {
    const r = await smwAsync([...args, "--redis", url]);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], new RegExp(`^smw: cannot reach Redis at ${url}: start it with \`smw redis start`));
  }
});
