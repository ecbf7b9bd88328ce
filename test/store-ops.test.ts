// Queues in the operations: `smw report` on a store's dataset gives each camera's queue figures,
// `smw export` writes one row per person who queued and the line's length per interval, and an
// alert rule can watch a queue zone by name for people who have waited too long: checked on the
// simulator's true boxes against its own queue log.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { smw, tempDir, query } from "./helpers.ts";
import { storeWeek, STORE_DIR, FOOTAGE } from "./store-fixtures.ts";
import { parseAlertRules } from "../loaders/ops/alerts.ts";

storeWeek();

test("smw report on the store's dataset: each camera's headline, and the front camera's queue", () => {
  const r = smw(["report", STORE_DIR, "--days", "weekday"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /store demo-store, camera front/);
  assert.match(r.stdout, /store demo-store, camera side/);
  assert.match(r.stdout, /Queue 'queue' \(served at 'kiosk'\): \d+ served, \d+ gave up/);
  assert.match(r.stdout, /wait: mean .+, median .+, 90th percentile/);
  const json = JSON.parse(smw(["report", STORE_DIR, "--json"]).stdout);
  const front = json.cameras.find((c: { camera: string }) => c.camera === "front");
  assert.ok(front.queues[0].served + front.queues[0].abandoned + front.queues[0].censored > 0, JSON.stringify(front.queues));
  assert.equal(json.cameras.find((c: { camera: string }) => c.camera === "side").queues, undefined, "the side camera has no queue zone");
});

test("smw export of a segment with a queue zone: queues.csv (one row per person who queued) and queue_length.csv", async () => {
  const seg = join(FOOTAGE, "front", "truth");
  const run = join(seg, readdirSync(seg).find((d) => d.startsWith("front_"))!);
  const out = tempDir("smw-export-queue-");
  const r = smw(["export", run, "--out", out, "--interval", "10"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /queues\.csv, queue_length\.csv/);
  const header = readFileSync(join(out, "queues.csv"), "utf8").split("\n")[0];
  assert.equal(header, "queue,checkout,uid,joined_seconds,served_seconds,done_seconds,wait_seconds,service_seconds,status,stitched");
  const [{ n }] = await query(`SELECT count(*)::INTEGER AS n FROM read_csv('${join(out, "queue_length.csv")}') WHERE in_line_max > 0`);
  assert.ok((n as number) > 0, "the line had people in it");
});

test("an alert on the queue zone by name fires for people waiting 20 s, where the simulator says someone waited that long", async (t) => {
  const rules = [{ name: "slow till", zone: "queue", waitSeconds: 20, minPeople: 1, forSeconds: 0 }];
  assert.equal(parseAlertRules(rules)[0].zone, "queue");
  const file = join(tempDir("smw-alert-queue-"), "rules.json");
  writeFileSync(file, JSON.stringify(rules));
  // the simulator's queue log (truth/queue.parquet): how long someone stood in line within each segment
  const truthDir = join(FOOTAGE, "front", "truth");
  const log = await query(`SELECT joined, left_line FROM read_parquet('${join(truthDir, "queue.parquet")}')`);
  const at = (iso: string) => Date.parse(`${iso}Z`) / 1000;
  let agree = 0, fired = 0, unclear = 0;
  const segments = readdirSync(truthDir).filter((d) => d.startsWith("front_"));
  for (const seg of segments) {
    const m = /front_(\d{4})(\d\d)(\d\d)_(\d\d)(\d\d)(\d\d)/.exec(seg)!;
    const s0 = at(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`), s1 = s0 + 30;
    const longest = Math.max(0, ...log.map((q) => Math.min(at(q.left_line as string), s1) - Math.max(at(q.joined as string), s0)));
    // the line on the picture starts a step after the simulator's, so leave 2 s either side undecided
    if (Math.abs(longest - 20) < 2) {
      unclear++;
      continue;
    }
    const r = smw(["alerts", join(truthDir, seg), "--rules", file, "--no-deliver"]);
    assert.equal(r.code, 0, r.stderr);
    const alerts = Number(/(\d+) alerts over/.exec(r.stdout)?.[1]);
    fired += alerts ? 1 : 0;
    if ((alerts > 0) === longest >= 20) agree++;
  }
  t.diagnostic(`${segments.length - unclear} segments decided, the alert agreed with the simulator's log in ${agree}; it fired in ${fired}`);
  assert.ok(fired > 0, "someone waited 20 s in some segment");
  assert.equal(agree, segments.length - unclear, "the alert fires exactly where someone stood in line 20 s");
  writeFileSync(file.replace("rules.json", "bad.json"), JSON.stringify([{ ...rules[0], zone: "nowhere" }]));
  const r2 = smw(["alerts", join(truthDir, readdirSync(truthDir).find((d) => d.startsWith("front_"))!), "--rules", file.replace("rules.json", "bad.json"), "--no-deliver"]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /rule "slow till": zone "nowhere" is no zone of the run's camera\.json \(zones: left window, shop front, kiosk, queue, door\)/);
});
