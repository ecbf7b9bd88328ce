// Counting pieces: labelled-frame files, the counting region, counting boxes, the count model
// (fit, prediction, smoothing) and the calibration sweep's choice on synthetic evidence where
// the right answer is known.
import assert from "node:assert/strict";
import { test } from "node:test";
import { encode } from "fast-png";
import { UserError } from "../loaders/errors.ts";
import { formatLabelsCsv, parseLabels, spreadFrames } from "../loaders/count/labels.ts";
import { countBoxes, errorStats, fitWeights, predictCount, smoothSeries } from "../loaders/count/model.ts";
import { headPoint, roiContains, roiFromPng, roiGrid } from "../loaders/count/roi.ts";
import { choose, heldOutErrors, sweep, type SweepInput } from "../loaders/count/sweep.ts";
import type { EvidenceFrame } from "../loaders/count/evidence-cache.ts";
import { neighbourFrames } from "../loaders/count/calibrate.ts";
import { auditSample } from "../loaders/count/frame-images.ts";
import { matchHeads } from "../loaders/count/head-match.ts";
import type { Detections } from "../loaders/types.ts";

test("labels: frame,count CSV (1-based) becomes 0-based frames; frame,x,y head points are counted per frame; JSON too", () => {
  assert.deepEqual(parseLabels("frame,count\n3,7\n1,2\n"), [{ frame: 0, count: 2 }, { frame: 2, count: 7 }]);
  assert.deepEqual(parseLabels("frame,x,y\n1,10.5,20\n1,30,40\n4,5,5\n"), [{ frame: 0, count: 2 }, { frame: 3, count: 1 }]);
  assert.deepEqual(parseLabels('{"frames":[{"frame":5,"count":3}]}'), [{ frame: 4, count: 3 }]);
  assert.deepEqual(parseLabels("2,9\n"), [{ frame: 1, count: 9 }]); // headerless frame,count
  const frames = [{ frame: 0, count: 2 }, { frame: 9, count: 0 }];
  assert.deepEqual(parseLabels(formatLabelsCsv(frames)), frames);
  assert.equal(formatLabelsCsv(frames), "frame,count\n1,2\n10,0\n");
});

test("labels: mistakes are user errors that name the line", () => {
  assert.throws(() => parseLabels("frame,count\n0,3\n", "x.csv"), (e: Error) => e instanceof UserError && /x\.csv: line 2: frame must be a whole number >= 1/.test(e.message));
  assert.throws(() => parseLabels("frame,count\n2,-1\n", "x.csv"), UserError);
  assert.throws(() => parseLabels("when,how_many\n2,1\n", "x.csv"), /header must be frame,count/);
  assert.throws(() => parseLabels("", "x.csv"), UserError);
});

test("spreadFrames keeps at most N frames spread over the labelled span, in time order", () => {
  const all = Array.from({ length: 200 }, (_, i) => ({ frame: 199 - i, count: i }));
  const s = spreadFrames(all, 20);
  assert.equal(s.length, 20);
  assert.ok(s.every((f, i) => i === 0 || f.frame > s[i - 1].frame));
  assert.ok(s[0].frame < 10 && s[19].frame > 189);
  assert.equal(spreadFrames(all.slice(0, 5), 20).length, 5);
});

test("roi: a PNG mask (any size) decides by the head point; no mask means the whole picture", () => {
  // 4x2 mask: left half white
  const roi = roiFromPng(encode({ width: 4, height: 2, data: Uint8Array.from([255, 255, 0, 0, 255, 255, 0, 0]), channels: 1, depth: 8 }));
  assert.equal(roiContains(roi, 100, 50, 640, 480), true);
  assert.equal(roiContains(roi, 500, 50, 640, 480), false);
  assert.equal(roiContains(undefined, 500, 50, 640, 480), true);
  assert.equal(roiContains(undefined, 700, 50, 640, 480), false);
  assert.deepEqual(Array.from(roiGrid(roi, 8, 1)), [1, 1, 1, 1, 0, 0, 0, 0]);
  assert.deepEqual(headPoint([10, 100, 30, 300], 0), [20, 120]);
  assert.throws(() => roiFromPng(Uint8Array.from([1, 2, 3]), "bad.png"), /bad\.png: not a readable PNG/);
});

test("countBoxes counts boxes at the threshold with the head in the region, leaving static ones out", () => {
  const roi = roiFromPng(encode({ width: 2, height: 1, data: Uint8Array.from([255, 0]), channels: 1, depth: 8 }));
  const d: Detections = {
    count: 4,
    // head points: (20, 12) left, (420, 12) right, (40, 12) left, (60, 12) left
    boxes: Float32Array.from([10, 0, 30, 120, 410, 0, 430, 120, 30, 0, 50, 120, 50, 0, 70, 120]),
    scores: Float32Array.from([0.9, 0.9, 0.3, 0.9]),
    classes: new Int32Array(4),
  };
  assert.equal(countBoxes(d, { scoreThreshold: 0.5, videoWidth: 640, videoHeight: 480 }), 3);
  assert.equal(countBoxes(d, { scoreThreshold: 0.5, roi, videoWidth: 640, videoHeight: 480 }), 2);
  assert.equal(countBoxes(d, { scoreThreshold: 0.25, roi, videoWidth: 640, videoHeight: 480 }), 3);
  assert.equal(countBoxes(d, { scoreThreshold: 0.25, roi, videoWidth: 640, videoHeight: 480, staticFlags: [0, 0, 0, 1] }), 2);
});

test("count model: weights without intercept are recovered, predictions never go below zero", () => {
  const X = Array.from({ length: 30 }, (_, i) => [10 + i, (i * 7) % 11]);
  const y = X.map(([d, f]) => 1.2 * d + 0.5 * f);
  const w = fitWeights(X, y);
  assert.ok(Math.abs(w[0] - 1.2) < 1e-4 && Math.abs(w[1] - 0.5) < 1e-4, String(w)); // a 1e-6 ridge keeps the fit stable
  const model = { features: ["detections", "foreground"] as ("detections" | "foreground")[], weights: [1.2, 0.5] };
  assert.ok(Math.abs(predictCount(model, { detections: 10, foreground: 0.04 }) - (12 + 0.5 * 4)) < 1e-9); // foreground in percent
  assert.equal(predictCount({ features: ["detections"], weights: [-1] }, { detections: 3, foreground: 0 }), 0);
  const s = errorStats([1, -1, 2, -2]);
  assert.deepEqual([s.mean, s.mae, s.rmse, s.n], [0, 1.5, Math.sqrt(2.5), 4]);
});

test("smoothSeries averages over +- halfWidth seconds, uneven spacing and edges included", () => {
  const t = [0, 1, 2, 2.5, 4, 10];
  const v = [0, 10, 20, 30, 40, 50];
  assert.deepEqual(Array.from(smoothSeries(t, v, 0)), v);
  assert.deepEqual(Array.from(smoothSeries(t, v, 1)), [5, 10, 20, 25, 40, 50]);
});

test("neighbourFrames spreads 5 frames over +- the smoothing half-width, clipped to the video", () => {
  assert.deepEqual(neighbourFrames(100, 1, 25, 1000), [75, 88, 100, 113, 125]);
  assert.deepEqual(neighbourFrames(1, 1, 2, 800), [0, 1, 2, 3]);
  assert.deepEqual(neighbourFrames(5, 0, 25, 10), [5]);
});

test("auditSample spreads ~12 analysed frames over the run, multiples of the stride", () => {
  assert.deepEqual(auditSample(179, 1), [7, 22, 37, 52, 67, 82, 96, 111, 126, 141, 156, 171]);
  const s = auditSample(100, 3, 12);
  assert.equal(s.length, 12);
  assert.ok(s.every((f) => f % 3 === 0 && f < 300));
  assert.deepEqual(auditSample(3, 1), [0, 1, 2]);
});

test("matchHeads: a box holds a head point in its upper half, each head claimed once, best score first", () => {
  const boxes = [0, 0, 20, 100, 2, 5, 22, 105, 100, 0, 120, 100];
  const real = matchHeads(boxes, [0.5, 0.9, 0.7], 3, [[10, 12], [110, 80]]);
  assert.deepEqual(Array.from(real), [0, 1, 0]); // box 1 (best) takes the head; box 2's point is at its feet
});

// Synthetic evidence where the truth is known: every frame has `people` real boxes scoring
// 0.5-0.9 and `junk` boxes scoring 0.2-0.3 (reflections); the right setting counts boxes >= ~0.35
// with weight 1. A threshold of 0.15 with weight people/(people+junk) also fits the labelled
// frames when junk is proportional, but it is right by luck: the sweep must not prefer it.
function syntheticEvidence(frames: number, seed = 1, exactJunk = false): { labelled: { frame: number; count: number }[]; evidence: Map<number, EvidenceFrame> } {
  let s = seed;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const labelled: { frame: number; count: number }[] = [];
  const evidence = new Map<number, EvidenceFrame>();
  for (let f = 0; f < frames; f++) {
    const people = exactJunk ? 5 * (1 + Math.floor(5 * rand())) : 5 + Math.floor(20 * rand());
    const junk = exactJunk ? (people * 3) / 5 : Math.round(people * 0.6 + 2 * rand());
    const boxes: number[] = [], scores: number[] = [], foreground: number[] = [];
    for (let i = 0; i < people + junk; i++) {
      const x = 20 * (i % 30), y = 100 + 10 * Math.floor(i / 30);
      boxes.push(x, y, x + 15, y + 50);
      scores.push(i < people ? 0.5 + 0.4 * rand() : 0.2 + 0.1 * rand());
      foreground.push(0.6);
    }
    evidence.set(f, { frame: f, boxes, scores, foreground, sceneForeground: 0.01 * people });
    labelled.push({ frame: f, count: people });
  }
  return { labelled, evidence };
}

function input(labelled: { frame: number; count: number }[], evidence: Map<number, EvidenceFrame>, over: Partial<SweepInput> = {}): SweepInput {
  return {
    labelled, evidence: new Map([["384x288", evidence]]), sizes: [[384, 288]], thresholds: [0.15, 0.25, 0.35, 0.45, 0.55, 0.65],
    smoothSeconds: [0], featureSets: [["detections"], ["detections", "foreground"]], staticOptions: [true],
    neighbours: (f) => [f], videoWidth: 640, videoHeight: 480, ...over,
  };
}

test("sweep picks the threshold that separates people from junk, with weight 1 and ~zero held-out error", () => {
  const { labelled, evidence } = syntheticEvidence(20);
  const ranking = sweep(input(labelled, evidence));
  const best = choose(ranking);
  assert.ok([0.35, 0.45].includes(best.scoreThreshold), `threshold ${best.scoreThreshold}`);
  assert.ok(Math.abs(best.weights[0] - 1) < 0.02, `weight ${best.weights[0]}`);
  assert.ok(best.loo.mae < 0.05 && best.split.mae < 0.05 && best.time.mae < 0.05);
  // the lucky low threshold (boxes x ~0.6) scores worse
  const lucky = ranking.find((c) => c.scoreThreshold === 0.15 && c.features.length === 1)!;
  assert.ok(lucky.criterion > best.criterion && lucky.reliance > 5, `lucky ${lucky.criterion} reliance ${lucky.reliance}`);
});

test("sweep: a fit that is right only by scaling junk away loses to the one that counts people, even when both fit exactly", () => {
  // junk is exactly 60% of the people on every labelled frame: 0.625 x (all boxes) is as exact
  // as 1 x (boxes >= 0.35) here, but only the latter survives a change in the junk ratio
  const { labelled, evidence } = syntheticEvidence(20, 5, true);
  const ranking = sweep(input(labelled, evidence));
  const lucky = ranking.find((c) => c.scoreThreshold === 0.15 && c.features.length === 1)!;
  assert.ok(lucky.loo.mae < 1e-3, `lucky fit is exact: ${lucky.loo.mae}`);
  const best = choose(ranking);
  assert.ok(best.scoreThreshold >= 0.35 && Math.abs(best.weights[0] - 1) < 1e-3, `${best.scoreThreshold} x ${best.weights[0]}`);
});

test("sweep: static boxes are left out, so a mannequin scoring like a person does not shift the count", () => {
  const { labelled, evidence } = syntheticEvidence(20, 7);
  for (const ev of evidence.values()) {
    ev.boxes.push(600, 100, 615, 150, 600, 200, 615, 250);
    ev.scores.push(0.8, 0.8);
    ev.foreground.push(0.02, 0.05); // match the plate
  }
  const best = choose(sweep(input(labelled, evidence)));
  assert.ok(Math.abs(best.weights[0] - 1) < 0.02 && best.loo.mae < 0.05, `w ${best.weights[0]} mae ${best.loo.mae}`);
  const counted = choose(sweep(input(labelled, evidence, { staticOptions: [false] })));
  assert.ok(counted.loo.mae > best.loo.mae || Math.abs(counted.weights[0] - 1) > 0.02);
});

test("choose prefers the cheaper input size among equally good candidates", () => {
  const { labelled, evidence } = syntheticEvidence(20, 3);
  const ranking = sweep(input(labelled, evidence, { evidence: new Map([["384x288", evidence], ["768x576", evidence]]), sizes: [[768, 576], [384, 288]] }));
  assert.deepEqual(choose(ranking).inputSize, [384, 288]);
});

test("heldOutErrors: leave-one-out, range split and time split never predict a frame from a fit that saw it", () => {
  // y = 2x except one outlier: LOO error on the outlier is its full miss
  const X = [[1], [2], [3], [4], [5], [6]];
  const y = [2, 4, 6, 8, 10, 30];
  const { loo, split, time } = heldOutErrors(X, y);
  assert.equal(loo.length, 6);
  assert.ok(loo[5] < -15, `outlier predicted from the others: ${loo[5]}`);
  assert.equal(split.length, 6);
  assert.equal(time.length, 6);
});
