// data/snapshots.json: the run's event snapshots (analytics/snapshots.ts: a still per line
// crossing, display-zone entry and alert, written beside the run) as JPEG data: URLs, for the
// strips on the Footfall and Dwell pages. Which pictures a build may carry is $SMW_SNAPSHOTS's
// (_lib/privacy.ts): none -> { available: false, reason }; blurred -> the blurred stills; raw ->
// the raw ones where the run kept them.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MAX_SNAPSHOTS } from "../../loaders/analytics/snapshots.ts";
import { sql } from "../../loaders/store/duckdb.ts";
import { openRunAnalytics } from "./_lib/analytics.ts";
import { siteSnapshots } from "./_lib/privacy.ts";
import { emitJson } from "./_lib/run.ts";

const privacy = siteSnapshots();
const r = await openRunAnalytics("a");
try {
  const dir = r.dir;
  const index = join(dir, "snapshots.parquet");
  if (privacy === "none") {
    await emitJson({ available: false, reason: "this site was published without pictures of people (smw publish --snapshots none)" });
  } else if (!existsSync(index)) {
    await emitJson({ available: false, reason: "this run has no snapshots: analyse it with a camera config (smw analyze VIDEO --config camera.json), which takes them by default" });
  } else {
    const rows = await r.a.rows(`SELECT s.event_id, s.kind, s.frame, s.t_seconds, s.track_id, s.name, s.class, s.file, s.raw_file, s.crop,
        e.direction, v.dwell_seconds
      FROM read_parquet(${sql.string(index)}) s
      LEFT JOIN (SELECT * FROM read_parquet(${sql.string(join(dir, "events.parquet"))})) e USING (event_id)
      LEFT JOIN (SELECT * FROM read_parquet(${sql.string(join(dir, "zone_visits.parquet"))})) v USING (event_id)
      ORDER BY s.t_seconds, s.event_id LIMIT ${MAX_SNAPSHOTS}`);
    const picture = (file: string) => `data:image/jpeg;base64,${readFileSync(join(dir, file)).toString("base64")}`;
    await emitJson({
      available: true,
      blurred: privacy !== "raw" || rows.every((s) => s.raw_file == null),
      items: rows.map((s) => ({
        id: s.event_id, kind: s.kind, frame: Number(s.frame), t: Number(s.t_seconds), track: s.track_id == null ? null : Number(s.track_id),
        name: s.name, class: s.class, direction: s.direction ?? null, dwell: s.dwell_seconds == null ? null : Number(s.dwell_seconds),
        // the part of the frame the still shows (source pixels)
        crop: (s.crop as number[]).map(Number),
        image: picture(String(privacy === "raw" && s.raw_file ? s.raw_file : s.file)),
      })),
    });
  }
} finally {
  r.close();
}
