// A camera's people-free plate for the store bundle, as the site may ship it: a person who stood
// still for most of a segment is part of its plate (the man at the shop window of the demo clip
// is), so their head is blurred unless the build asks for raw pictures ($SMW_SNAPSHOTS,
// _lib/privacy.ts), exactly as the single-run site's background loader did.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decode, encode } from "fast-png";
import { readRun } from "../../../loaders/run/read.ts";
import { openDuckDb, sql } from "../../../loaders/store/duckdb.ts";
import { blurScaled, plateBoxes, siteSnapshots } from "./privacy.ts";

export async function shippablePlate(dir: string): Promise<Uint8Array> {
  const png = new Uint8Array(readFileSync(join(dir, "background.png")));
  if (siteSnapshots() === "raw" || !existsSync(join(dir, "detections.parquet"))) return png;
  const session = await openDuckDb();
  try {
    await session.conn.run(`CREATE VIEW detections AS SELECT * FROM read_parquet(${sql.string(join(dir, "detections.parquet"))})`);
    const info = readRun(dir);
    const boxes = await plateBoxes({ ...session, dir, info });
    const img = decode(png);
    if (!boxes.length || img.channels !== 3 || img.depth !== 8) return png;
    const data = Uint8Array.from(img.data as Uint8Array);
    blurScaled({ data, width: img.width, height: img.height }, boxes, info.video.width, info.video.height);
    return encode({ width: img.width, height: img.height, data, channels: 3, depth: 8 });
  } finally {
    session.close();
  }
}
