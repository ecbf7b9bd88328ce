// The Parquet writer keeps memory flat by committing chunks: parts sorted on the way out, the
// final file the parts streamed in order, or sorted whole when rows come out of order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { withDuckDb } from "../loaders/store/duckdb.ts";
import { ParquetWriter } from "../loaders/store/parquet-writer.ts";
import { tempDir } from "./helpers.ts";

const schema = [["frame", "INTEGER"], ["id", "INTEGER"], ["v", "DOUBLE"]] as const;

test("rows appended in order leave in order across many parts; rows out of order are sorted when asked", async () => {
  await withDuckDb(async (conn) => {
    const dir = tempDir("smw-writer-");
    // in frame order, ids shuffled within each frame: each part sorts its own rows, and parts
    // end between frames
    const ordered = await ParquetWriter.open(conn, { table: "a", schema, file: join(dir, "a.parquet"), partsDir: join(dir, "parts"), chunkRows: 97, orderBy: "frame, id" });
    let seed = 5;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let f = 0; f < 300; f++) {
      const ids = [3, 1, 4, 0, 2].sort(() => rand() - 0.5);
      for (const id of ids) ordered.append([f, id, rand()]);
      if (ordered.chunkFull) await ordered.commit(); // between frames, as the pipeline commits
    }
    // person by person (all of id 0, then all of id 1...): sorted at the end
    const shuffled = await ParquetWriter.open(conn, { table: "b", schema, file: join(dir, "b.parquet"), partsDir: join(dir, "parts"), chunkRows: 97, orderBy: "frame, id", sortOnFinish: true });
    for (let id = 0; id < 5; id++) {
      for (let f = 0; f < 300; f++) {
        shuffled.append([f, id, rand()]);
        if (shuffled.chunkFull) await shuffled.commit();
      }
    }
    assert.ok(readdirSync(join(dir, "parts")).filter((p) => p.startsWith("a-")).length > 10, "many parts");
    await ordered.finish();
    await shuffled.finish();
    for (const f of ["a.parquet", "b.parquet"]) {
      const [r] = (await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE NOT (pf IS NULL OR frame > pf OR (frame = pf AND id > pi)))::INTEGER AS bad
        FROM (SELECT frame, id, lag(frame) OVER () AS pf, lag(id) OVER () AS pi FROM '${join(dir, f)}')`)).getRowObjectsJS() as { n: number; bad: number }[];
      assert.equal(r.n, 1500, f);
      assert.equal(r.bad, 0, `${f} is out of order`);
    }
    assert.deepEqual(readdirSync(join(dir, "parts")), [], "parts removed");
    assert.ok(!existsSync(join(dir, "a.parquet.tmp")));
  });
});
