// Sales CSV joined to footfall per hour.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseCameraConfig, wallClockToDate } from "../loaders/config/camera.ts";
import { salesByHour } from "../loaders/analytics/sales.ts";
import { openAnalytics } from "../loaders/analytics/views.ts";
import { UserError } from "../loaders/errors.ts";
import { trackRows, writeRun } from "./analytics-fixtures.ts";
import { tempDir } from "./helpers.ts";

const FPS = 1;
const config = parseCameraConfig({ camera: "shop", timezone: "Europe/Berlin" });
const start = wallClockToDate("2024-05-18T11:00:00", "Europe/Berlin")!;

async function twoHours() {
  const root = tempDir();
  // visitors first seen at minutes 5, 15, 25, 35 of hour 11 and 5, 15 of hour 12, each for 30 s
  const firsts = [5, 15, 25, 35, 65, 75].map((m) => m * 60);
  const rows = firsts.flatMap((t, i) => trackRows(i + 1, Array.from({ length: 30 }, () => [300, 300] as [number, number]), FPS, t));
  const dir = await writeRun(join(root, "seg"), rows, { fps: FPS, frames: 7200 });
  return { root, analytics: await openAnalytics({ runs: [{ dir, start }], config }) };
}

test("sales per hour: conversion is transactions per visitor; sales outside the footage are counted, not used", async () => {
  const { root, analytics: a } = await twoHours();
  try {
    const csv = join(root, "sales.csv");
    writeFileSync(csv, [
      "timestamp,transactions,revenue_eur",
      "2024-05-18T11:10:00,1,10.00",
      "2024-05-18 11:20:00,1,30.00",
      "2024-05-18T09:40:00Z,1,20.00", // 11:40 in Berlin
      "2024-05-18T12:30:00,2,50.00",
      "2024-05-18T13:30:00,1,99.00", // after the footage
    ].join("\n"));
    const r = await salesByHour(a, csv);
    assert.equal(r.amountColumn, "revenue_eur");
    assert.equal(r.conversionKind, "transactions per visitor");
    assert.deepEqual(r.rows.map((h) => [h.hour, h.visitors, h.transactions, h.amount, h.conversion]), [
      ["2024-05-18 11:00:00", 4, 3, 60, 0.75],
      ["2024-05-18 12:00:00", 2, 2, 50, 1],
    ]);
    assert.deepEqual([r.salesRows, r.unmatched], [5, 1]);
    assert.deepEqual(r.total, { visitors: 6, transactions: 5, amount: 110, conversion: 5 / 6 });
    const noon = await salesByHour(a, csv, { start: wallClockToDate("2024-05-18T12:00:00", "Europe/Berlin")! });
    assert.deepEqual(noon.rows.map((h) => h.hour), ["2024-05-18 12:00:00"]);

    const amounts = join(root, "amounts.csv");
    writeFileSync(amounts, "timestamp,amount\n2024-05-18T11:10:00,40\n");
    const m = await salesByHour(a, amounts);
    assert.equal(m.conversionKind, "amount per visitor");
    assert.equal(m.rows[0].transactions, null);
    assert.equal(m.rows[0].conversion, 10);
  } finally {
    a.close();
  }
});

test("sales CSV problems are one-line UserErrors naming the file", async () => {
  const { root, analytics: a } = await twoHours();
  try {
    const bad = (name: string, text: string) => {
      const p = join(root, name);
      writeFileSync(p, text);
      return p;
    };
    const rejects = (p: string, re: RegExp) => assert.rejects(salesByHour(a, p), (e: Error) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n"));
    await rejects(join(root, "none.csv"), /none\.csv: no such sales file/);
    await rejects(bad("t.csv", "timestamp,amount\n2024-05-18T11:10:00,1\nyesterday,2\n"), /t\.csv: data row 2: timestamp "yesterday" is not a time/);
    await rejects(bad("a.csv", "timestamp,amount\n2024-05-18T11:10:00,lots\n"), /a\.csv: data row 1: amount "lots" is not a number/);
    await rejects(bad("c.csv", "time,amount\n2024-05-18T11:10:00,1\n"), /c\.csv: needs a timestamp column "timestamp" \(found time, amount\)/);
    await rejects(bad("d.csv", "timestamp,qty\n2024-05-18T11:10:00,1\n"), /d\.csv: needs an amount/);
  } finally {
    a.close();
  }
});

test("the example sales file against the bundled clip's ground truth", async () => {
  const { readMotFile } = await import("../loaders/eval/mot-text.ts");
  const { loadCameraConfig, segmentStart } = await import("../loaders/config/camera.ts");
  const repo = join(import.meta.dirname, "..");
  const gt = await readMotFile(join(repo, "data/clips/tud-stadtmitte.gt.txt"), { gt: true, fps: 25 });
  const dir = await writeRun(join(tempDir(), "gt"), gt, { fps: 25, frames: 179 });
  const cfg = loadCameraConfig(join(repo, "data/camera.example.json"));
  const a = await openAnalytics({ runs: [{ dir, start: segmentStart(cfg) }], config: cfg });
  try {
    const r = await salesByHour(a, join(repo, "data/sales.example.csv"));
    // four receipts fall in the 7.16 s of footage from 11:00:00
    assert.deepEqual(r.rows.map((h) => [h.hour, h.visitors, h.transactions]), [["2024-05-18 11:00:00", 10, 4]]);
    assert.equal(r.unmatched, 5);
  } finally {
    a.close();
  }
});
