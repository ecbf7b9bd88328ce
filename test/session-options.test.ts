// onnxruntime settings per core count (the measured rows: 1-2 cores) and what the detector hands onnxruntime.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chooseSession, describeThreads, sessionOptions } from "../loaders/detect/session-options.ts";

test("threads follow the cores: all of 1-2 cores, one left for ffmpeg above that, at most 4; a caller's count wins", () => {
  assert.deepEqual([1, 2, 3, 4, 8, 64].map((cores) => chooseSession(undefined, cores).threads), [1, 2, 2, 3, 4, 4]);
  assert.equal(chooseSession(3, 2).threads, 3);
  assert.match(chooseSession(3, 2).why, /caller/);
});

test("spinning is off and the int8 graph gets the optimisation level that fuses it", () => {
  for (const cores of [1, 2, 16]) {
    const o = sessionOptions(chooseSession(undefined, cores));
    assert.deepEqual(o.extra, { session: { intra_op: { allow_spinning: "0" } } });
    assert.equal(o.graphOptimizationLevel, "all");
    assert.equal(o.intraOpNumThreads, chooseSession(undefined, cores).threads);
  }
  assert.match(describeThreads(chooseSession(undefined, 2)), /2 threads, spinning off, optimisation all \(default for 2 cores\)/);
});
