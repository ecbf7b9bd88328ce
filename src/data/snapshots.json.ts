// data/snapshots.json: the event snapshots of the footage the site shows (analytics/snapshots.ts:
// a still per line crossing, display-zone entry and alert, written beside each run) as JPEG data:
// URLs, for the strips on the Footfall and Dwell pages. The footage is the store's (_lib/store.ts:
// $SMW_DATA's cameras and dates, or the one run), and each still's time is on the store's clock
// with its camera's index, so the strips follow the scope bar. Which pictures a build may carry is
// $SMW_SNAPSHOTS's (_lib/privacy.ts): none -> { available: false, reason }; blurred -> the blurred
// stills; raw -> the raw ones where the run kept them.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MAX_SNAPSHOTS } from "../../loaders/analytics/snapshots.ts";
import { query, sql } from "../../loaders/store/duckdb.ts";
import { siteSnapshots } from "./_lib/privacy.ts";
import { emitJson } from "./_lib/run.ts";
import { openStore, placeSegments } from "./_lib/store.ts";

interface Row {
  event_id: string; kind: string; frame: number; t: number; track_id: number | null; name: string; class: string | null;
  file: string; raw_file: string | null; crop: number[]; direction: string | null; dwell_seconds: number | null;
}

const privacy = siteSnapshots();
if (privacy === "none") {
  await emitJson({ available: false, reason: "this site was published without pictures of people (smw publish --snapshots none)" });
} else {
  const { ds } = await openStore();
  try {
    await placeSegments(ds.cameras);
    const found: { row: Row; dir: string; camera: number; segment: string }[] = [];
    for (const [camera, c] of ds.cameras.entries()) {
      for (const s of c.a.segments) {
        const index = join(s.dir, "snapshots.parquet");
        if (!existsSync(index)) continue;
        const rows = await query<Row>(c.a, `SELECT s.event_id, s.kind, s.frame, s.t_seconds + o.off AS t, s.track_id, s.name, s.class, s.file, s.raw_file, s.crop,
            e.direction, v.dwell_seconds
          FROM read_parquet(${sql.string(index)}) s
          JOIN _seg_off o ON o.segment = ${sql.string(s.segment)}
          LEFT JOIN (SELECT * FROM read_parquet(${sql.string(join(s.dir, "events.parquet"))})) e USING (event_id)
          LEFT JOIN (SELECT * FROM read_parquet(${sql.string(join(s.dir, "zone_visits.parquet"))})) v USING (event_id)`);
        for (const row of rows) found.push({ row, dir: s.dir, camera, segment: s.segment });
      }
    }
    if (!found.length) {
      await emitJson({ available: false, reason: "no snapshots in this footage: analyse with a camera config (smw analyze VIDEO --config camera.json), which takes them by default" });
    } else {
      found.sort((a, b) => a.row.t - b.row.t || a.camera - b.camera || a.row.event_id.localeCompare(b.row.event_id));
      // more than the page can carry: every k-th, so the whole period stays covered
      const step = Math.max(1, Math.ceil(found.length / MAX_SNAPSHOTS));
      const kept = found.filter((_, i) => i % step === 0);
      const segments = ds.cameras.reduce((n, c) => n + c.a.segments.length, 0);
      const picture = (dir: string, file: string) => `data:image/jpeg;base64,${readFileSync(join(dir, file)).toString("base64")}`;
      await emitJson({
        available: true,
        blurred: privacy !== "raw" || kept.every(({ row }) => row.raw_file == null),
        cameras: ds.cameras.map((c) => c.camera),
        items: kept.map(({ row: s, dir, camera, segment }) => ({
          // event ids are unique within a run: a dataset's need the camera and segment too
          id: segments > 1 ? `${ds.cameras[camera].camera}/${segment}/${s.event_id}` : s.event_id, kind: s.kind, frame: Number(s.frame), t: Number(s.t), camera, track: s.track_id == null ? null : Number(s.track_id),
          name: s.name, class: s.class, direction: s.direction ?? null, dwell: s.dwell_seconds == null ? null : Number(s.dwell_seconds),
          // the part of the frame the still shows (source pixels)
          crop: (s.crop as number[]).map(Number),
          image: picture(dir, String(privacy === "raw" && s.raw_file ? s.raw_file : s.file)),
        })),
      });
    }
  } finally {
    ds.close();
  }
}
