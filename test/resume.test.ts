// A long run killed part-way loses at most one chunk: `--resume` continues from the last
// committed chunk and the final tables equal those of a run that was never interrupted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { SMW, smw, tempDir } from "./helpers.ts";

const CLIP = "data/clips/tud-stadtmitte.mp4";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function differingRows(a: string, b: string, file: string): Promise<number> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  const q = (x: string, y: string) => `SELECT count(*)::INTEGER AS n FROM (SELECT * FROM '${join(x, file)}' EXCEPT ALL SELECT * FROM '${join(y, file)}')`;
  const n = ((await conn.runAndReadAll(q(a, b))).getRowObjectsJS()[0].n as number) + ((await conn.runAndReadAll(q(b, a))).getRowObjectsJS()[0].n as number);
  conn.closeSync();
  db.closeSync();
  return n;
}

/** Rows of a Parquet file out of (a, b) order, as stored. */
async function unordered(file: string, a: string, b: string): Promise<number> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  const desc = b.endsWith(" DESC");
  const col = b.replace(" DESC", "");
  const q = `SELECT count(*) FILTER (WHERE NOT (pa IS NULL OR ${a} > pa OR (${a} = pa AND ${col} ${desc ? "<=" : ">="} pb)))::INTEGER AS n
    FROM (SELECT ${a}, ${col}, lag(${a}) OVER () AS pa, lag(${col}) OVER () AS pb FROM '${file}')`;
  const n = (await conn.runAndReadAll(q)).getRowObjectsJS()[0].n as number;
  conn.closeSync();
  db.closeSync();
  return n;
}

test("a run killed mid-way and resumed gives the same tables as an uninterrupted run", async () => {
  const whole = tempDir();
  assert.equal(smw(["analyze", CLIP, "--out", whole, "--chunk-frames", "30", "--quiet"]).code, 0);

  const killed = tempDir();
  const child = spawn(process.execPath, [SMW, "analyze", CLIP, "--out", killed, "--chunk-frames", "30", "--quiet"], { stdio: "ignore" });
  const checkpoint = join(killed, ".parts", "checkpoint.json");
  for (let i = 0; i < 600; i++) {
    if (existsSync(checkpoint) && JSON.parse(readFileSync(checkpoint, "utf8")).lastFrame >= 59) break;
    await sleep(50);
  }
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  const cp = JSON.parse(readFileSync(checkpoint, "utf8"));
  assert.ok(cp.lastFrame >= 59 && cp.lastFrame < 178, `killed after frame ${cp.lastFrame}`);
  assert.ok(!existsSync(join(killed, "run.json")), "the killed run did not finish");

  const resumed = smw(["analyze", CLIP, "--out", killed, "--chunk-frames", "30", "--resume", "--quiet"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const run = JSON.parse(readFileSync(join(killed, "run.json"), "utf8"));
  assert.equal(run.options.resumedFromFrame, cp.lastFrame);
  assert.equal(run.framesAnalysed, 179);
  for (const f of ["detections.parquet", "tracks.parquet", "motion.parquet", "counts.parquet"]) {
    assert.equal(await differingRows(whole, killed, f), 0, `${f} differs from the uninterrupted run`);
  }
  // six chunks of parts, tracks handed back person by person: the files still come out in order
  assert.equal(await unordered(join(killed, "detections.parquet"), "frame", "score DESC"), 0);
  assert.equal(await unordered(join(killed, "tracks.parquet"), "frame", "track_id"), 0);
});

test("a second run on the same output folder refuses while the first is writing", async () => {
  const out = tempDir();
  const first = spawn(process.execPath, [SMW, "analyze", CLIP, "--out", out, "--quiet"], { stdio: "ignore" });
  for (let i = 0; i < 400 && !existsSync(join(out, ".smw-lock")); i++) await sleep(25);
  const second = smw(["analyze", CLIP, "--out", out, "--quiet"]);
  await new Promise((r) => first.once("exit", r));
  assert.equal(second.code, 2);
  assert.match(second.stderr, /another smw analyze \(pid \d+/);
  assert.equal(second.stderr.trim().split("\n").length, 1);
  assert.ok(existsSync(join(out, "run.json")), "the first run finished untouched");
  assert.ok(!existsSync(join(out, ".smw-lock")), "the lock is released");
});
