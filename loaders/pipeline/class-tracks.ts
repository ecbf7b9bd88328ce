// Tracking when several classes are kept (`--classes person,bicycle`): one track stage, with its
// own tracker and offline repair, per class, each fed only its class's boxes, so a cyclist's box
// never continues a pedestrian's track and each class keeps the tuned settings of track-stage.ts.
// Track ids stay unique across classes: id * classes + the class's place in the list. With one
// class (person alone, the default) this is the track stage itself: ids and rows are unchanged.
import { UserError } from "../errors.ts";
import type { Detections, TrackRow } from "../types.ts";
import type { FrameContext, Stage } from "./stage.ts";
import { TrackStage, type TrackStageOptions } from "./track-stage.ts";

/** The boxes of `d` whose class index is `cls`, static flags included. */
export function detectionsOfClass(d: Detections, cls: number): Detections {
  const keep: number[] = [];
  for (let i = 0; i < d.count; i++) if (d.classes[i] === cls) keep.push(i);
  const n = keep.length;
  const out: Detections = { count: n, boxes: new Float32Array(4 * n), scores: new Float32Array(n), classes: new Int32Array(n).fill(cls) };
  if (d.static) out.static = new Uint8Array(n);
  keep.forEach((i, k) => {
    out.boxes.set(d.boxes.subarray(4 * i, 4 * i + 4), 4 * k);
    out.scores[k] = d.scores[i];
    if (d.static) out.static![k] = d.static[i];
  });
  return out;
}

/** A track id unique across the classes: the class tracker's id interleaved with the class's place. */
export const classTrackId = (id: number, place: number, classes: number) => (classes === 1 ? id : id * classes + place);

export class ClassTrackStages implements Stage {
  readonly timing = "track";
  private readonly stages: { cls: number; stage: TrackStage }[];
  private readonly oldest: number[];

  /**
   * `kept`: class indices into the model's classes, in the order asked for; `names` the model's
   * class names. `settled` gets each class's rows (ids made unique) with the class name.
   */
  constructor(
    kept: readonly number[],
    names: readonly string[],
    o: TrackStageOptions,
    settled: (rows: TrackRow[], className: string) => Promise<void>,
    private readonly forget: (frame: number) => void,
  ) {
    this.oldest = kept.map(() => Infinity);
    this.stages = kept.map((cls, place) => ({
      cls,
      stage: new TrackStage(o, (rows) => {
        for (const r of rows) r.trackId = classTrackId(r.trackId, place, kept.length);
        return settled(rows, names[cls]);
      }, (frame) => (this.oldest[place] = frame)),
    }));
  }

  /** Tracklets, over all classes, for run.json. */
  get tracklets(): { size: number } {
    return { size: this.stages.reduce((n, s) => n + s.stage.tracklets.size, 0) };
  }

  onFrame(f: FrameContext): void {
    // boxes that match the people-free plate start no track (posters, mannequins)
    if (f.counted) f.detections.static = f.counted.static;
    this.update(f.detections, f.frame, f.t);
  }

  update(dets: Detections, frame: number, t: number): void {
    if (this.stages.length === 1) return this.stages[0].stage.update(dets, frame, t);
    for (const { cls, stage } of this.stages) stage.update(detectionsOfClass(dets, cls), frame, t);
  }

  async commit(lastFrame: number): Promise<void> {
    for (const { stage } of this.stages) await stage.commit(lastFrame);
    // no class hands back a row before the oldest fragment any of them still holds
    this.forget(Math.min(...this.oldest));
  }

  async finish(): Promise<void> {
    for (const { stage } of this.stages) await stage.finish();
  }
}

/**
 * The classes to keep, checked against the model's before any work: an unknown name stops the
 * analysis with one line naming `source` (--classes, or the camera config's field) and the valid names.
 */
export function checkClasses(names: readonly string[], model: { name: string; classes: readonly string[] }, source: string): string[] {
  const unknown = names.filter((n) => !model.classes.includes(n));
  if (unknown.length) {
    throw new UserError(`${source}: ${unknown.map((n) => `"${n}"`).join(", ")} ${unknown.length > 1 ? "are not classes" : "is not a class"} of ${model.name}; valid: ${model.classes.join(", ")}`);
  }
  if (names.length === 0) throw new UserError(`${source}: name at least one class (e.g. person)`);
  return [...new Set(names)];
}
