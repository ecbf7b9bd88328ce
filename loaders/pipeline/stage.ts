// What every stage of the analysis implements, so analyze.ts only wires them: each analysed frame
// passes the stages in order (motion, detect, count, track, write), each reading what the stages
// before it set on the frame (motion and detect run ahead of the others: lookahead.ts); at a chunk boundary every stage commits what it has finished (the
// checkpoint then names the part files), and at the end of the video each writes its tables.
import type { CountedFrame } from "../count/count-stage.ts";
import type { StageTimings } from "../run/contract.ts";
import type { Detections } from "../types.ts";

/** One analysed frame on its way through the stages. */
export interface FrameContext {
  /** 0-based source frame, and its time from the stream (seconds). */
  frame: number;
  t: number;
  /** BGR at the analysis size, while the frame is being read (the stages after detection never see pixels). */
  pixels?: Uint8Array;
  /** Set by the detect stage: every candidate box down to the decode floor. */
  detections: Detections;
  /** Set by the motion stage: the frame's luma on the motion grid. */
  gray?: Float32Array;
  /** Set by the motion stage: motion-grid cells of the counting region that differ from the plate (the motion gate's test). */
  changed?: number;
  /** Set by the count stage: static and counted flags per box, the frame's count and foreground. */
  counted?: CountedFrame;
}

export interface Stage {
  /** The run.json timing this stage's work is added to. */
  readonly timing: Exclude<keyof StageTimings, "background" | "decode" | "total">;
  onFrame(f: FrameContext): void | Promise<void>;
  /** A chunk boundary after source frame `lastFrame`: move finished rows to part files. */
  commit(lastFrame: number): Promise<void>;
  /** The end of the video: write the final tables. */
  finish(): Promise<void>;
}
