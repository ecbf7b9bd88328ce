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

/** The uninterrupted run both interrupted ones are held to. */
let wholeRun: string | undefined;
function whole(): string {
  if (!wholeRun) {
    wholeRun = tempDir();
    assert.equal(smw(["analyze", CLIP, "--out", wholeRun, "--chunk-frames", "30", "--quiet"]).code, 0);
  }
  return wholeRun;
}

async function sameTables(a: string, b: string): Promise<void> {
  for (const f of ["detections.parquet", "tracks.parquet", "motion.parquet", "counts.parquet"]) {
    assert.equal(await differingRows(a, b, f), 0, `${f} differs from the uninterrupted run`);
  }
}

async function checkpointAfter(dir: string, frame: number): Promise<void> {
  const checkpoint = join(dir, ".parts", "checkpoint.json");
  for (let i = 0; i < 600; i++) {
    if (existsSync(checkpoint) && JSON.parse(readFileSync(checkpoint, "utf8")).lastFrame >= frame) return;
    await sleep(50);
  }
}

test("a run killed mid-way and resumed gives the same tables as an uninterrupted run", async () => {

  const killed = tempDir();
  const child = spawn(process.execPath, [SMW, "analyze", CLIP, "--out", killed, "--chunk-frames", "30", "--quiet"], { stdio: "ignore" });
  const checkpoint = join(killed, ".parts", "checkpoint.json");
  await checkpointAfter(killed, 59);
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
  await sameTables(whole(), killed);
  // six chunks of parts, tracks handed back person by person: the files still come out in order
  assert.equal(await unordered(join(killed, "detections.parquet"), "frame", "score DESC"), 0);
  assert.equal(await unordered(join(killed, "tracks.parquet"), "frame", "track_id"), 0);
});

test("Ctrl-C stops at the next frame and keeps every frame analysed; --resume continues to the uninterrupted run's tables", async () => {
  const stopped = tempDir();
  const child = spawn(process.execPath, [SMW, "analyze", CLIP, "--out", stopped, "--chunk-frames", "30", "--quiet"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  await checkpointAfter(stopped, 29);
  child.kill("SIGINT");
  const code = await new Promise((r) => child.once("exit", r));
  assert.equal(code, 130, stderr);
  const said = stderr.match(/smw: .*tud-stadtmitte\.mp4: stopped after (\d+) frames, all kept in .*; run the same command with --resume to continue\n$/);
  assert.ok(said, stderr);
  const cp = JSON.parse(readFileSync(join(stopped, ".parts", "checkpoint.json"), "utf8"));
  assert.equal(cp.framesAnalysed, Number(said[1]), "the checkpoint holds every frame the message counts, not only whole chunks");
  assert.ok(cp.lastFrame >= 29 && cp.lastFrame < 178, `stopped after frame ${cp.lastFrame}`);
  assert.ok(!existsSync(join(stopped, "run.json")), "the stopped run did not finish");

  const resumed = smw(["analyze", CLIP, "--out", stopped, "--chunk-frames", "30", "--resume", "--quiet"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(JSON.parse(readFileSync(join(stopped, "run.json"), "utf8")).options.resumedFromFrame, cp.lastFrame);
  await sameTables(whole(), stopped);
  // resuming a finished run redoes nothing
  const again = smw(["analyze", CLIP, "--out", stopped, "--resume"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already analysed/);
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
