// The operations commands as a user types them, on a real run of the bundled clip.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { smw, tempDir } from "./helpers.ts";

const run = tempDir();
const analyzed = smw(["analyze", "data/clips/tud-stadtmitte.mp4", "--out", run, "--config", "data/camera.example.json", "--stride", "2", "--quiet"]);

test("analyze --config writes the line and zone tables next to the run", () => {
  assert.equal(analyzed.code, 0, analyzed.stderr);
  for (const f of ["camera.json", "events.parquet", "zone_visits.parquet"]) assert.ok(existsSync(join(run, f)), f);
});

test("report prints the headline numbers; a window narrows them", () => {
  const all = smw(["report", run]);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /Visitors\s+\d+/);
  assert.match(all.stdout, /Line crossings\s+\d+ in, \d+ out/);
  const whole = JSON.parse(smw(["report", run, "--json"]).stdout);
  const firstSecond = JSON.parse(smw(["report", run, "--json", "--to-seconds", "1"]).stdout);
  assert.ok(firstSecond.visitors < whole.visitors && firstSecond.visitors > 0, `${firstSecond.visitors} of ${whole.visitors}`);
  const bad = smw(["report", run, "--from", "yesterday"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--from yesterday: not a date/);
});

test("export writes CSV files a spreadsheet opens", () => {
  const out = tempDir();
  const r = smw(["export", run, "--out", out, "--interval", "2"]);
  assert.equal(r.code, 0, r.stderr);
  const footfall = readFileSync(join(out, "footfall.csv"), "utf8").trim().split("\n");
  assert.ok(footfall[0].includes(","), footfall[0]);
  assert.equal(footfall.length - 1, 4); // 7.2 s in 2 s intervals
  assert.ok(existsSync(join(out, "events.csv")) && existsSync(join(out, "zone_visits.csv")));
});

test("alerts evaluates rules over the run without delivering when asked", () => {
  const rules = join(tempDir(), "rules.json");
  writeFileSync(rules, JSON.stringify([{ name: "busy", minPeople: 5, forSeconds: 0.2 }, { name: "crowd", minPeople: 40, forSeconds: 0.2 }]));
  const r = smw(["alerts", run, "--rules", rules, "--no-deliver"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /busy: \d+ people/);
  assert.doesNotMatch(r.stdout, /crowd/);
  const bad = smw(["alerts", run, "--rules", "data/camera.example.json"]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.equal(bad.stderr.trim().split("\n").length, 1);
});
