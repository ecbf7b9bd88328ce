// sales.json: point-of-sale rows joined to run A's clock by the analytics engine's loadSales()
// (loaders/analytics/sales.ts): each sale made while the camera was recording, as seconds from
// the video's first frame, with its transactions and amount. Reads $SMW_SALES, else (for the
// demo) data/sales.example.csv. A `synthetic` column set to true marks invented data.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadSales } from "../../loaders/analytics/sales.ts";
import { query } from "../../loaders/store/duckdb.ts";
import { openRunAnalytics } from "./_lib/analytics.ts";
import { REPO_ROOT, emitJson } from "./_lib/run.ts";

const path = resolve(REPO_ROOT, process.env.SMW_SALES ?? "data/sales.example.csv");
const source = path.startsWith(REPO_ROOT + "/") ? path.slice(REPO_ROOT.length + 1) : path;

if (!existsSync(path)) {
  await emitJson({ available: false, source, reason: `no sales file (${source}); set SMW_SALES to a CSV` });
} else {
  const r = await openRunAnalytics("a");
  if (!r.startLocal) {
    r.close();
    await emitJson({ available: false, source, reason: "the camera config has no start time, so sales cannot be matched to the video" });
  } else {
    const { amountColumn, transactionsColumn } = await loadSales(r.a, path);
    const rows = await query<{ t_seconds: number; amount: number; transactions: number | null }>(r.a, `
      SELECT t_seconds, amount, transactions FROM sales WHERE segment IS NOT NULL ORDER BY t_seconds`);
    const [{ n }] = await query<{ n: number }>(r.a, `SELECT count(*)::INTEGER AS n FROM sales`);
    r.close();
    const [header, ...lines] = readFileSync(path, "utf8").trim().split(/\r?\n/);
    const synthetic = header.split(",").map((h) => h.trim().toLowerCase()).indexOf("synthetic");
    await emitJson({
      available: true,
      source,
      synthetic: synthetic >= 0 && lines.some((l) => /^(true|1|yes)$/i.test(l.split(",")[synthetic]?.trim() ?? "")),
      amountColumn,
      transactionsColumn,
      currency: (/^revenue_(\w+)$/i.exec(amountColumn)?.[1] ?? "").toUpperCase(),
      rows: n,
      outside: n - rows.length,
      t: rows.map((d) => d.t_seconds),
      transactions: rows.map((d) => d.transactions ?? 1),
      revenue: rows.map((d) => d.amount),
    });
  }
}
