import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { evaluateMot, formatMetrics, type MotBox } from "../loaders/eval/mot-metrics.ts";
import { formatMotText, parseMotText, readMotFile } from "../loaders/eval/mot-text.ts";

const GT_FILE = new URL("../data/clips/tud-campus.gt.txt", import.meta.url).pathname;

function box(frame: number, trackId: number, x: number, y = 100, w = 40, h = 100): MotBox {
  return { frame, trackId, x1: x, y1: y, x2: x + w, y2: y + h };
}

const close = (a: number, b: number, msg?: string) => assert.ok(Math.abs(a - b) < 1e-9, msg ?? `${a} != ${b}`);

/** Two people 300 px apart walking right for `n` frames. */
function twoWalkers(n = 10): MotBox[] {
  const rows: MotBox[] = [];
  for (let f = 0; f < n; f++) rows.push(box(f, 1, 100 + 5 * f), box(f, 2, 400 + 5 * f));
  return rows;
}

test("ground truth against itself scores perfectly", () => {
  const gt = twoWalkers();
  const m = evaluateMot(gt, gt);
  assert.equal(m.tp, 20);
  assert.equal(m.fp + m.fn + m.idsw + m.frag, 0);
  assert.equal(m.mota, 1);
  assert.equal(m.motp, 1);
  assert.equal(m.idf1, 1);
  assert.equal(m.mt, 2);
  close(m.hota!.hota, 1);
  close(m.hota!.assA, 1);
});

test("dropping k boxes gives exactly FN = k", () => {
  const gt = twoWalkers();
  const hyp = gt.filter((_, i) => ![3, 4, 11].includes(i));
  const m = evaluateMot(gt, hyp);
  assert.equal(m.fn, 3);
  assert.equal(m.fp, 0);
  assert.equal(m.idsw, 0);
  close(m.mota, 1 - 3 / 20);
  close(m.recall, 17 / 20);
  close(m.precision, 1);
  // IDTP = 17 of 20 GT and 17 hypotheses: IDF1 = 34 / 37
  close(m.idf1, 34 / 37);
});

test("swapping the ids of two tracks mid-sequence: exact IDSW and IDF1", () => {
  // Frames 0..6 correct, frames 7..9 the result ids are swapped.
  const gt = twoWalkers(10);
  const hyp = gt.map((r) => (r.frame >= 7 ? { ...r, trackId: 3 - r.trackId } : r));
  const m = evaluateMot(gt, hyp);
  assert.equal(m.idsw, 2); // both objects switch once, at frame 7
  assert.equal(m.fp + m.fn, 0);
  close(m.mota, 1 - 2 / 20);
  // Best one-to-one id matching: gt1<->h1 (7 frames), gt2<->h2 (7): IDTP 14 of 20 and 20.
  assert.equal(m.idtp, 14);
  assert.equal(m.idfp, 6);
  assert.equal(m.idfn, 6);
  close(m.idf1, 0.7);
  close(m.idp, 0.7);
  close(m.idr, 0.7);
});

test("a still-valid previous correspondence is kept even if another hypothesis fits better", () => {
  const gt = [box(0, 1, 100), box(1, 1, 100)];
  // h1 overlaps with IoU 0.6 in both frames, h2 appears in frame 1 with a perfect fit.
  const shift = 40 * (1 - 0.6) / (1 + 0.6); // x-shift giving IoU 0.6 for 40 px wide boxes
  const hyp = [box(0, 1, 100 + shift), box(1, 1, 100 + shift), box(1, 2, 100)];
  const m = evaluateMot(gt, hyp);
  assert.equal(m.idsw, 0);
  assert.equal(m.fp, 1);
  close(m.motp, 0.6);
});

test("fragmentations count interruptions between first and last match only", () => {
  const gt = Array.from({ length: 10 }, (_, f) => box(f, 1, 100));
  const hyp = gt.filter((r) => ![0, 3, 4, 7, 9].includes(r.frame)); // 0 and 9 are outside the tracked span
  const m = evaluateMot(gt, hyp);
  assert.equal(m.frag, 2);
  assert.equal(m.fn, 5);
  assert.equal(m.idsw, 0);
});

test("mostly tracked / partially tracked / mostly lost use the 80% / 20% boundaries", () => {
  const gt: MotBox[] = [];
  for (let f = 0; f < 10; f++) gt.push(box(f, 1, 0), box(f, 2, 300), box(f, 3, 600));
  const hyp = gt.filter((r) => (r.trackId === 1 ? r.frame < 8 : r.trackId === 2 ? r.frame < 2 : r.frame < 1));
  const m = evaluateMot(gt, hyp);
  assert.deepEqual([m.mt, m.pt, m.ml], [1, 1, 1]);
});

test("HOTA of one track split into two result ids is sqrt(1/2)", () => {
  const gt = [0, 1, 2, 3].map((f) => box(f, 1, 100));
  const hyp = gt.map((r) => ({ ...r, trackId: r.frame < 2 ? 10 : 20 }));
  const m = evaluateMot(gt, hyp);
  const h = m.hota!;
  close(h.detA, 1);
  // Each matched pair (gt, hyp) co-occurs 2 frames: A = 2 / (4 + 2 - 2) = 0.5 for every TP.
  close(h.assA, 0.5);
  close(h.hota, Math.SQRT1_2);
  close(h.locA, 1);
  assert.equal(m.idsw, 1);
  close(m.idf1, 0.5);
});

test("HOTA detection part: half the boxes missing and one false positive", () => {
  const gt = [0, 1, 2, 3].map((f) => box(f, 1, 100));
  const hyp = [box(0, 1, 100), box(1, 1, 100), box(2, 2, 900)];
  const h = evaluateMot(gt, hyp).hota!;
  close(h.detA, 2 / (2 + 2 + 1));
  // gt id 1 seen 4 times, hyp id 1 twice, matched twice: A = 2 / (4 + 2 - 2)
  close(h.assA, 0.5);
  close(h.hota, Math.sqrt(0.4 * 0.5));
});

test("MOT text: tolerant reader, GT ignore flag, class filter, round trip", () => {
  const text = [
    "1,1,10,20,30,40,1,-1,-1,-1",
    "1,2,50,20,30,40,0,-1,-1,-1", // MOT16+ 'ignore' row
    "2 1 11 20 30 40 0.9", // spaces, 7 columns
    "",
    "3,1,12,20,30,40,1,1",
    "3,3,12,90,30,40,1,7,0.5", // 9 columns, class 7
  ].join("\n");
  const res = parseMotText(text);
  assert.equal(res.length, 5);
  assert.deepEqual(res[0], { frame: 0, t: NaN, trackId: 1, x1: 10, y1: 20, x2: 40, y2: 60, score: 1, interpolated: false });
  const gt = parseMotText(text, { gt: true, fps: 25 });
  assert.deepEqual(gt.map((r) => [r.frame, r.trackId]), [[0, 1], [1, 1], [2, 1], [2, 3]]);
  close(gt[1].t, 1 / 25);
  assert.deepEqual(parseMotText(text, { gt: true, classes: [1] }).map((r) => r.trackId), [1]);
  assert.throws(() => parseMotText("1,2,3"), /line 1/);
  const again = parseMotText(formatMotText(res));
  assert.deepEqual(again, [...res].sort((a, b) => a.frame - b.frame || a.trackId - b.trackId));
  assert.equal(formatMotText([res[0]]), "1,1,10,20,30,40,1,-1,-1,-1\n");
});

test("real MOT15 ground truth (TUD-Campus) against itself is perfect", async () => {
  const gt = await readMotFile(GT_FILE, { gt: true });
  const lines = readFileSync(GT_FILE, "utf8").trim().split("\n").length;
  assert.equal(gt.length, lines, "MOT15: every row counts");
  const m = evaluateMot(gt, gt);
  assert.equal(m.mota, 1);
  assert.equal(m.idf1, 1);
  assert.equal(m.motp, 1);
  assert.equal(m.fp + m.fn + m.idsw, 0);
  close(m.hota!.hota, 1);
  assert.equal(m.mt, m.gtTracks);
});

test("real MOT15 ground truth with every 2nd box removed: FN = removed", async () => {
  const gt = await readMotFile(GT_FILE, { gt: true });
  const hyp = gt.filter((_, i) => i % 2 === 0);
  const removed = gt.length - hyp.length;
  const m = evaluateMot(gt, hyp);
  assert.equal(m.fn, removed);
  assert.equal(m.fp, 0);
  assert.equal(m.idsw, 0);
  close(m.mota, 1 - removed / gt.length);
  const table = formatMetrics({ "TUD-Campus": m });
  assert.match(table, /MOTA/);
  assert.match(table, /IDF1/);
  assert.match(table, /TUD-Campus/);
});

test("formatMetrics prints percentages and counts in columns", () => {
  const gt = twoWalkers(10);
  const hyp = gt.map((r) => (r.frame >= 7 ? { ...r, trackId: 3 - r.trackId } : r));
  const lines = formatMetrics(evaluateMot(gt, hyp), "swap").split("\n");
  assert.equal(lines.length, 2);
  const head = lines[0].trim().split(/\s+/);
  const vals = lines[1].trim().split(/\s+/);
  assert.equal(vals[0], "swap");
  assert.equal(vals[head.indexOf("MOTA") + 1], "90.0%");
  assert.equal(vals[head.indexOf("IDF1") + 1], "70.0%");
  assert.equal(vals[head.indexOf("IDs") + 1], "2");
});
