// sales.json: point-of-sale data joined to run A's clock. Reads $SMW_SALES, else (for the demo)
// data/sales.example.csv: a CSV with `timestamp` (the store's local time, ISO 8601),
// `transactions` (receipts; 1 per row for a receipt export, a count for period totals) and
// `revenue_<currency>` (e.g. revenue_eur); an optional `synthetic` column marks invented data.
// Rows become seconds from the video's first frame; rows outside the footage are counted, not kept.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { readCameraConfig } from "./_lib/analytics.ts";
import { startMs } from "./_lib/per-run.ts";
import { REPO_ROOT, emitJson, openRun } from "./_lib/run.ts";

const path = resolve(REPO_ROOT, process.env.SMW_SALES ?? "data/sales.example.csv");
const run = await openRun("a");
const config = readCameraConfig(run);
const [{ last }] = (await run.rows(`SELECT coalesce(max(t_seconds), 0)::DOUBLE AS last FROM tracks`)) as { last: number }[];
const duration = Math.max(run.info.video.duration, last);
run.close();
const start = startMs(config.startTime);
const source = path.startsWith(REPO_ROOT) ? path.slice(REPO_ROOT.length + 1) : path;

if (!existsSync(path)) {
  await emitJson({ available: false, reason: `no sales file (${source}); set SMW_SALES to a CSV` });
} else if (start == null) {
  await emitJson({ available: false, source, reason: "the camera config has no startTime, so sales times cannot be matched to the video" });
} else {
  const [header, ...lines] = readFileSync(path, "utf8").trim().split(/\r?\n/);
  const names = header.split(",").map((h) => h.trim().toLowerCase());
  const col = (name: string) => names.indexOf(name);
  const revenueAt = names.findIndex((n) => n.startsWith("revenue"));
  const currency = revenueAt >= 0 ? (names[revenueAt].split("_")[1] ?? "").toUpperCase() : "";
  if (col("timestamp") < 0) throw new Error(`${source}: needs a "timestamp" column (found ${names.join(", ")})`);
  const t: number[] = [], transactions: number[] = [], revenue: number[] = [];
  let rows = 0, outside = 0, synthetic = false;
  for (const line of lines) {
    if (!line.trim()) continue;
    const cells = line.split(",").map((c) => c.trim());
    rows++;
    const ms = startMs(cells[col("timestamp")]);
    if (ms == null) throw new Error(`${source}: bad timestamp "${cells[col("timestamp")]}"`);
    if (col("synthetic") >= 0 && /^(true|1|yes)$/i.test(cells[col("synthetic")])) synthetic = true;
    const s = (ms - start) / 1000;
    if (s < 0 || s > duration) {
      outside++;
      continue;
    }
    t.push(s);
    transactions.push(col("transactions") >= 0 ? Number(cells[col("transactions")]) : 1);
    revenue.push(revenueAt >= 0 ? Number(cells[revenueAt]) : NaN);
  }
  await emitJson({ available: true, source, synthetic, currency, rows, outside, t, transactions, revenue });
}
