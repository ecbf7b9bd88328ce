// The frames read ahead (lookahead.ts) finished in frame order: the motion step's last part and the
// gate's count, then the stages after detection (count, track, write). This is the only place the
// motion grid and the gate's tally move, so the chunk a checkpoint commits holds exactly the frames
// finished, however far the read-ahead has gone.
import type { MotionAccumulator } from "../scene/motion.ts";
import { emptyDetections } from "../types.ts";
import type { StageClock } from "./clock.ts";
import type { AheadFrame } from "./lookahead.ts";
import type { MotionGate } from "./motion-gate.ts";
import type { FrameContext, Stage } from "./stage.ts";

export class InOrder {
  /** Blurred luma of a frame read before the plate existed, compared as it is finished. */
  private readonly blurred: Float32Array;

  constructor(
    private readonly motion: MotionAccumulator,
    private readonly gate: MotionGate | undefined,
    /** The stages after detection, in order. */
    private readonly stages: Stage[],
    private readonly clock: StageClock,
    private readonly fps: number,
  ) {
    this.blurred = new Float32Array(motion.width * motion.height);
  }

  async finish(a: AheadFrame): Promise<FrameContext> {
    const { motion, gate, clock } = this;
    const blurred = a.blurred ?? this.blurred;
    const changed = a.changed ?? clock.run("motion", () => motion.compare(a.gray, blurred));
    // a frame read before the plate existed went to the detector unasked: the gate still decides
    const gated = gate !== undefined && !gate.wantsDetector(changed);
    let detections = emptyDetections();
    if (a.detections) {
      const found = await clock.wait("detectWait", a.detections);
      if (!gated) detections = found;
    }
    clock.run("motion", () => motion.accumulate(blurred));
    // the stream's own timestamp (variable frame rate, frames lost to damage); frame / fps only if ffmpeg gave none
    const f: FrameContext = { frame: a.frame, t: a.t ?? a.frame / this.fps, detections, gray: a.gray, changed };
    for (const s of this.stages) {
      const done = clock.run(s.timing, () => s.onFrame(f));
      if (done) await clock.runAsync(s.timing, () => done);
    }
    return f;
  }
}
