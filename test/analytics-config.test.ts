import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadCameraConfig, parseCameraConfig, segmentStart, startFromFileName, wallClockToDate } from "../loaders/config/camera.ts";
import { UserError } from "../loaders/errors.ts";
import { tempDir } from "./helpers.ts";

const base = {
  camera: "c1",
  lines: [{ name: "door", a: [0, 0], b: [10, 0], in: "right" }],
  zones: [
    { name: "A", kind: "display", polygon: [[0, 0], [10, 0], [10, 10]] },
    { name: "till", kind: "staff", polygon: [[0, 0], [5, 0], [5, 5]] },
  ],
};

function errorOf(raw: unknown): string {
  try {
    parseCameraConfig(raw, "cam.json");
  } catch (e) {
    assert.ok(e instanceof UserError);
    assert.ok(!e.message.includes("\n"), "one line");
    return e.message;
  }
  assert.fail("expected an error");
}

test("the example config is valid and gets the defaults", () => {
  const c = loadCameraConfig(join(import.meta.dirname, "..", "data", "camera.example.json"));
  assert.equal(c.lines.length, 1);
  assert.equal(c.zones.length, 2);
  assert.ok(Array.isArray(c.doc) && c.doc.length > 0, "the example documents itself in `doc`");
  assert.equal(parseCameraConfig({ ...base, doc: "a note" }).doc, "a note");
  const d = parseCameraConfig(base);
  assert.equal(d.timezone, "UTC");
  assert.deepEqual(d.dayparts, { morning: [6, 12], afternoon: [12, 17], evening: [17, 24] });
  assert.equal(d.lineCrossing.minFramesOnSide, 3);
  assert.equal(d.zoneDebounceSeconds, 1);
  assert.equal(d.stopperSeconds, 3);
  assert.deepEqual(d.staff, {});
});

test("validation errors name the file and the field", () => {
  const badPolygon = structuredClone(base);
  badPolygon.zones[1].polygon = [[0, 0], [1, 1]];
  assert.match(errorOf(badPolygon), /^cam\.json: zones\[1\]\.polygon: needs at least 3 points$/);
  assert.match(errorOf({ ...base, zones: [{ ...base.zones[0], kind: "shelf" }] }), /^cam\.json: zones\[0\]\.kind: /);
  assert.match(errorOf({ ...base, lines: [{ ...base.lines[0], in: "up" }] }), /^cam\.json: lines\[0\]\.in: /);
  assert.match(errorOf({ ...base, lines: [{ ...base.lines[0], a: [0] }] }), /lines\[0\]\.a/);
  assert.match(errorOf({ ...base, camera: undefined }), /^cam\.json: camera: is required$/);
  assert.match(errorOf({ ...base, zonez: [] }), /top level: unknown field "zonez"/);
  assert.match(errorOf({ ...base, staff: { bornInZones: ["till", "backroom"] } }), /staff\.bornInZones\[1\]: names no zone: "backroom"/);
  assert.match(errorOf({ ...base, timezone: "Mars/Olympus" }), /timezone: is not an IANA time zone/);
  assert.match(errorOf({ ...base, start: "18.05.2024 11:00" }), /start: needs an ISO local time/);
  assert.match(errorOf({ ...base, dayparts: { a: [6, 12], b: [11, 14] } }), /dayparts\.b: overlaps "a"/);
  assert.match(errorOf({ ...base, zones: [base.zones[0], base.zones[0]] }), /zones\[1\]\.name: repeats the name "A"/);
  assert.match(errorOf({ ...base, doc: 7 }), /^cam\.json: doc: /);
});

test("file problems are one-line UserErrors naming the file", () => {
  const dir = tempDir();
  assert.throws(() => loadCameraConfig(join(dir, "missing.json")), (e: Error) => e instanceof UserError && /missing\.json: no such camera config file/.test(e.message));
  writeFileSync(join(dir, "bad.json"), "{ lines: ");
  assert.throws(() => loadCameraConfig(join(dir, "bad.json")), (e: Error) => e instanceof UserError && /bad\.json: not valid JSON/.test(e.message));
});

test("start times: file names, wall clock in a time zone", () => {
  assert.equal(startFromFileName("/x/cam1_20240518_110000.mp4"), "2024-05-18T11:00:00");
  assert.equal(startFromFileName("/x/20240518-093015-front.mp4"), "2024-05-18T09:30:15");
  assert.equal(startFromFileName("/x/clip.mp4"), null);
  assert.equal(wallClockToDate("2024-05-18T11:00:00", "Europe/Berlin")!.toISOString(), "2024-05-18T09:00:00.000Z");
  assert.equal(wallClockToDate("2024-01-18T11:00:00", "Europe/Berlin")!.toISOString(), "2024-01-18T10:00:00.000Z");
  assert.equal(wallClockToDate("2024-05-18T11:00:00.5", "America/New_York")!.toISOString(), "2024-05-18T15:00:00.500Z");
  assert.equal(wallClockToDate("2024-05-18T11:00:00+01:00", "Asia/Tokyo")!.toISOString(), "2024-05-18T10:00:00.000Z");
  const c = parseCameraConfig({ ...base, timezone: "Europe/Berlin" });
  assert.equal(segmentStart(c, "/v/shop_20240518_110000.mp4")!.toISOString(), "2024-05-18T09:00:00.000Z");
  assert.equal(segmentStart(c, "/v/shop.mp4"), null);
  assert.equal(segmentStart({ ...c, start: "2024-05-18T12:00:00" }, "/v/shop_20240518_110000.mp4")!.toISOString(), "2024-05-18T10:00:00.000Z");
});
