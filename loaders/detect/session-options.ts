// How onnxruntime runs the detector on this machine: intra-op threads, spinning and graph
// optimisation, chosen per core count from measurements (README "The bundled detector";
// `npm run bench:detector` prints the probe for the machine it runs on).
//
// Measured on 2 cores (AMD EPYC, shared with other work), float and int8 NanoDet at 384x288 and
// 768x576, the ways taking turns in one process (probeSessions below):
// - spinning pool threads busy-wait between ops. With spinning on, session.run was slower in 9
//   of 12 paired probes (up to 1.9x). In the pipeline ffmpeg's decoder and the JS loop want the
//   same cores, so: off.
// - optimisation "basic" leaves the int8 graph unfused (DQ -> Conv -> Q stays three float ops):
//   2-5x slower. "all" (adds NCHWc layouts) beat "extended" in 8 of 12 probes.
// - 2 threads against 1, whole pipeline on vtest (int8, 384x288, 3 pairs): 0.72x the wall time
//   for the same CPU time.
import { availableParallelism } from "node:os";
import * as ort from "onnxruntime-node";

export interface SessionChoice {
  /** onnxruntime intra-op threads (the calling thread counts as one). */
  threads: number;
  spinning: boolean;
  optimisation: "basic" | "extended" | "all";
  /** Where the numbers came from, for run.json and the bench. */
  why: string;
}

/**
 * 1-2 cores: as many threads as cores (measured). More cores: one left to ffmpeg's decoding
 * and the JS loop, at most 4, since a frame of NanoDet is too little work to share wider
 * (not measured here: `npm run bench:detector` on that machine says, `--threads` overrides).
 */
export function chooseSession(threads?: number, cores = availableParallelism()): SessionChoice {
  if (threads !== undefined) return { threads, spinning: false, optimisation: "all", why: "set by the caller" };
  const n = cores <= 2 ? cores : Math.min(4, cores - 1);
  return { threads: Math.max(1, n), spinning: false, optimisation: "all", why: `default for ${cores} core${cores === 1 ? "" : "s"}` };
}

export interface PoolChoice {
  /** Detector threads, each with its own session, each taking whole frames. */
  workers: number;
  /** onnxruntime intra-op threads per session. */
  threads: number;
  why: string;
}

/**
 * The pipeline's detector threads (detect/detector-thread.ts). Frames, not ops, are shared between
 * threads: on 2 cores two single-threaded sessions detected 1.2x (384x288) and 1.6x (768x576) the
 * frames per second of one session with 2 threads, which in turn did no better than 1 thread.
 * Above 2 cores one is left to ffmpeg and the main thread (not measured here). `threads` (the
 * caller's --threads) sets the threads per session, and the sessions share the cores.
 */
export function choosePool(threads?: number, cores = availableParallelism()): PoolChoice {
  if (threads !== undefined) return { workers: Math.max(1, Math.floor(cores / threads)), threads, why: "threads per session set by the caller" };
  return { workers: Math.max(1, cores <= 2 ? cores : Math.min(4, cores - 1)), threads: 1, why: `default for ${cores} core${cores === 1 ? "" : "s"}` };
}

export function sessionOptions(c: SessionChoice): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ["cpu"],
    intraOpNumThreads: c.threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: c.optimisation,
    extra: { session: { intra_op: { allow_spinning: c.spinning ? "1" : "0" } } },
  };
}

export function describeThreads(c: SessionChoice = chooseSession()): string {
  return `onnxruntime ${c.threads} thread${c.threads === 1 ? "" : "s"}, spinning ${c.spinning ? "on" : "off"}, optimisation ${c.optimisation} (${c.why})`;
}

export interface ProbeResult {
  choice: SessionChoice;
  /** Median and quartiles of session.run, ms. */
  median: number;
  q1: number;
  q3: number;
}

/**
 * Times each way of running a model on one input, the sessions taking turns run by run so a
 * machine whose load drifts slows all of them alike. Random input: the work of a conv net does
 * not depend on the pixels.
 */
export async function probeSessions(file: string, inputName: string, inputSize: [number, number], choices: SessionChoice[], runs = 20): Promise<ProbeResult[]> {
  const [w, h] = inputSize;
  const feed = { [inputName]: new ort.Tensor("float32", Float32Array.from({ length: 3 * w * h }, (_, i) => Math.sin(i)), [1, 3, h, w]) };
  const sessions = await Promise.all(choices.map((c) => ort.InferenceSession.create(file, sessionOptions(c))));
  const times = choices.map(() => [] as number[]);
  for (const s of sessions) await s.run(feed); // first run allocates
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < sessions.length; k++) {
      const i = r % 2 ? sessions.length - 1 - k : k;
      const t0 = performance.now();
      await sessions[i].run(feed);
      times[i].push(performance.now() - t0);
    }
  }
  await Promise.all(sessions.map((s) => s.release()));
  return choices.map((choice, i) => {
    const sorted = times[i].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    return { choice, median: at(0.5), q1: at(0.25), q3: at(0.75) };
  });
}
