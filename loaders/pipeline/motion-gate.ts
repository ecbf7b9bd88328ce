// Motion gating: store footage is mostly quiet (night, early morning), and the detector is most of
// a frame's cost. A frame that differs from the people-free plate in less than a small share of
// the counting region holds nobody to find, so the detector skips it: the tracker gets an empty
// frame with its time (it predicts, and tracks with no support end as usual) and the frame still
// counts, as 0 boxes with its foreground share. "Differs" is the motion heatmap's own test (11x11
// blurred luma against the blurred plate, >= 12 grey levels), which the motion stage has just
// computed: the blur keeps the plate's sharp edges, where the unblurred frames and plate disagree
// by a few pixels of scaling, from looking like change. Decided per frame with no memory, so a
// resumed run gates exactly as an uninterrupted one.

/**
 * Share of the region's motion-grid cells that must have changed for the detector to run: 0.001
 * is ~28 cells of the 192x144 grid (a 640x480 picture at the default input), about a quarter of
 * the cells a person 60 px tall covers. A still scene under sensor and compression noise changes
 * none; the bundled street clips change 12-65% of the picture on every frame (npm run bench:gate).
 * Set low on purpose: a gate left open costs time, a gate shut on a person costs a detection.
 */
export const MOTION_GATE_THRESHOLD = 0.001;

export class MotionGate {
  constructor(
    readonly threshold: number,
    private readonly regionCells: number,
    /** Frames the detector skipped (a resumed run starts from the checkpoint's count). */
    public skipped = 0,
  ) {}

  /** True when the detector should look at a frame with `changedCells` changed cells in the region (the read-ahead asks: nothing is counted). */
  wants(changedCells: number): boolean {
    return changedCells >= this.threshold * this.regionCells;
  }

  /** `wants`, counting a skipped frame: asked once per frame, as frames are finished in order. */
  wantsDetector(changedCells: number): boolean {
    if (this.wants(changedCells)) return true;
    this.skipped++;
    return false;
  }
}
