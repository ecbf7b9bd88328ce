// Point-of-sale rows on the store's clock, for the Sales page: each sale's time, amount and
// transactions, and which cameras were recording at that moment (a bit per camera), so a page
// sets sales only against footage that could have seen the buyers. $SMW_SALES names the CSV
// (read by the analytics engine's loadSales: loaders/analytics/sales.ts); the bundled demo run
// uses data/sales.example.csv, whose `synthetic` column marks invented data.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { DatasetCamera } from "../../../loaders/analytics/dataset.ts";
import { loadSales } from "../../../loaders/analytics/sales.ts";
import { sql } from "../../../loaders/store/duckdb.ts";
import { REPO_ROOT } from "./run.ts";
import { relative, type StoreClock } from "./store.ts";

export async function salesRows(cams: readonly DatasetCamera[], clock: StoreClock, demo: boolean) {
  const given = process.env.SMW_SALES ?? (demo ? "data/sales.example.csv" : undefined);
  const empty = { t: [], cameras: [], transactions: [], amount: [] };
  if (!given) return { ...empty, meta: { available: false, reason: "no sales file: set SMW_SALES (or smw publish --sales) to a point-of-sale CSV" } };
  const path = resolve(REPO_ROOT, given);
  const source = relative(path);
  if (!existsSync(path)) return { ...empty, meta: { available: false, source, reason: `no sales file (${source}); set SMW_SALES to a CSV` } };
  if (!clock.wall) return { ...empty, meta: { available: false, source, reason: "the footage has no start time, so sales cannot be matched to it" } };
  const a = cams[0].a;
  const { amountColumn, transactionsColumn } = await loadSales(a, path);
  const rows = await a.rows<{ t: number; amount: number; transactions: number | null }>(`
    SELECT epoch(timezone(${sql.string(a.config.timezone)}, ts)) - ${clock.epoch} AS t, amount, transactions FROM _sales_raw ORDER BY t`);
  // each camera's recorded stretches on the store clock
  const spans = await Promise.all(cams.map((c) => c.a.rows<{ from: number; to: number }>(`
    SELECT o.off AS "from", o.off + s.frames_analysed * s.dt AS "to" FROM segments s JOIN _seg_off o USING (segment) ORDER BY 1`)));
  const cameras = rows.map((r) => spans.reduce((mask, list, k) => (list.some((s) => r.t >= s.from && r.t < s.to) ? mask | (1 << k) : mask), 0));
  const [header, ...lines] = readFileSync(path, "utf8").trim().split(/\r?\n/);
  const synthetic = header.split(",").map((h) => h.trim().toLowerCase()).indexOf("synthetic");
  return {
    t: rows.map((r) => r.t),
    cameras,
    transactions: rows.map((r) => r.transactions ?? 1),
    amount: rows.map((r) => r.amount),
    meta: {
      available: true, source, amountColumn, transactionsColumn,
      synthetic: synthetic >= 0 && lines.some((l) => /^(true|1|yes)$/i.test(l.split(",")[synthetic]?.trim() ?? "")),
      currency: (/^revenue_(\w+)$/i.exec(amountColumn)?.[1] ?? "").toUpperCase(),
      rows: rows.length,
    },
  };
}
