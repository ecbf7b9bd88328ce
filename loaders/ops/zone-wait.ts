// Alert rules about queues: a rule's `zone` may name a zone of the run's camera.json (its queue
// zone, say) instead of giving a polygon, and `waitSeconds` counts only the people who have stood
// in the zone that long: "at least 1 person has waited 2 minutes" or "5 people in line for 60 s".
import type { Point } from "../geometry/plane.ts";
import { pointInPolygon } from "../geometry/plane.ts";
import type { CameraConfig } from "../config/camera.ts";
import { UserError } from "../errors.ts";

/** A stay in the zone survives a gap this long (a foot point that steps out for a frame, a lost box). */
export const WAIT_GAP_SECONDS = 1;

/** The rules with every zone name replaced by that zone's polygon from the camera config. */
export function resolveZones<R extends { name: string; zone?: Point[] | string | null }>(rules: R[], config: Pick<CameraConfig, "zones"> | null, source: string): (R & { zone?: Point[] | null })[] {
  return rules.map((r) => {
    if (typeof r.zone !== "string") return r as R & { zone?: Point[] | null };
    const zone = config?.zones.find((z) => z.name === r.zone);
    if (!zone) throw new UserError(`${source}: rule "${r.name}": zone "${r.zone}" is no zone of the run's camera.json (zones: ${config?.zones.map((z) => z.name).join(", ") || "none"}); name one of them or give a polygon`);
    return { ...r, zone: zone.polygon as Point[] };
  });
}

/** People in a zone who have been there at least `waitSeconds`, frame by frame (feed frames in time order). */
export class WaitCounter {
  private since = new Map<number, { from: number; last: number }>();

  constructor(private readonly zone: readonly Point[] | null | undefined, private readonly waitSeconds: number) {}

  count(t: number, feet: readonly Point[], ids: readonly number[]): number {
    let n = 0;
    feet.forEach(([x, y], i) => {
      if (this.zone && !pointInPolygon(x, y, this.zone)) return;
      const s = this.since.get(ids[i]);
      const stay = s && t - s.last <= WAIT_GAP_SECONDS + 1e-9 ? { from: s.from, last: t } : { from: t, last: t };
      this.since.set(ids[i], stay);
      if (t - stay.from >= this.waitSeconds - 1e-9) n++;
    });
    for (const [id, s] of this.since) if (t - s.last > WAIT_GAP_SECONDS) this.since.delete(id);
    return n;
  }
}
