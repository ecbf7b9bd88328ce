// Point-of-sale data against footfall, per hour. The CSV (read by DuckDB's read_csv) has a
// `timestamp` (the store's local wall clock in the camera config's time zone, or ISO with an
// offset), an amount (`amount`, else the first `revenue*` column, e.g. revenue_eur) and
// optionally `transactions` (receipts per row; without it conversion is amount per visitor).
//
// Only sales made while a segment was recording count (a sale at 11:50 is not set against
// footage that ended at 11:07), and the same window as every other metric applies.
import { existsSync } from "node:fs";
import { UserError } from "../errors.ts";
import { query, sql } from "../store/duckdb.ts";
import { footfall } from "./metrics.ts";
import { clockColumns, windowWhere, type Window } from "./queries.ts";
import type { Analytics } from "./views.ts";

export interface SalesOptions {
  timestampColumn?: string;
  /** Default: `amount`, else the first column whose name starts with `revenue`. */
  amountColumn?: string;
  /** Default: `transactions` when present; without it conversion is amount per visitor. */
  transactionsColumn?: string | null;
}

export interface SalesHour {
  /** Local wall clock of the hour, "YYYY-MM-DD HH:00:00". */
  hour: string;
  covered_seconds: number;
  visitors: number;
  transactions: number | null;
  amount: number;
  /** transactions / visitors when the CSV has transactions, else amount / visitors; null without visitors. */
  conversion: number | null;
  amount_per_visitor: number | null;
}

export interface SalesReport {
  rows: SalesHour[];
  /** "transactions per visitor" or "amount per visitor". */
  conversionKind: string;
  amountColumn: string;
  transactionsColumn: string | null;
  /** Sales rows in the file, and those made while no segment was recording (or outside the window). */
  salesRows: number;
  unmatched: number;
  total: { visitors: number; transactions: number | null; amount: number; conversion: number | null };
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Loads the CSV into a `sales` table with the shared window columns (segment NULL when no segment covers the sale). */
export async function loadSales(a: Analytics, path: string, options: SalesOptions = {}): Promise<{ amountColumn: string; transactionsColumn: string | null }> {
  if (!existsSync(path)) throw new UserError(`${path}: no such sales file`);
  const source = `read_csv(${sql.string(path)}, header = true, all_varchar = true)`;
  let columns: string[];
  try {
    columns = (await query<{ column_name: string }>(a, `DESCRIBE SELECT * FROM ${source}`)).map((c) => c.column_name);
  } catch (e) {
    throw new UserError(`${path}: cannot read as CSV (${(e as Error).message.split("\n")[0]})`);
  }
  const has = (c: string) => columns.includes(c);
  const tsCol = options.timestampColumn ?? "timestamp";
  const amountCol = options.amountColumn ?? (has("amount") ? "amount" : columns.find((c) => c.toLowerCase().startsWith("revenue")));
  const txCol = options.transactionsColumn === undefined ? (has("transactions") ? "transactions" : null) : options.transactionsColumn;
  for (const [what, c] of [["timestamp", tsCol], ["amount", amountCol], ["transactions", txCol]] as const) {
    if (c === null) continue;
    if (!c || !has(c)) throw new UserError(`${path}: needs a${what === "amount" ? "n amount (amount or revenue_<currency>)" : ` ${what}`} column${c ? ` "${c}"` : ""} (found ${columns.join(", ")})`);
  }
  const tz = sql.string(a.config.timezone);
  await a.conn.run(`
    CREATE OR REPLACE TEMP TABLE _sales_raw AS
    SELECT row_number() OVER () AS row, ${ident(tsCol)} AS text,
      CASE WHEN regexp_matches(trim(${ident(tsCol)}), '(Z|[+-]\\d\\d:?\\d\\d)$') THEN try_cast(trim(${ident(tsCol)}) AS TIMESTAMPTZ)
           ELSE timezone(${tz}, try_cast(trim(${ident(tsCol)}) AS TIMESTAMP)) END AS ts,
      try_cast(${ident(amountCol!)} AS DOUBLE) AS amount,
      ${txCol ? `try_cast(${ident(txCol)} AS DOUBLE)` : "NULL::DOUBLE"} AS transactions,
      ${ident(amountCol!)} AS amount_text, ${txCol ? ident(txCol) : "NULL::VARCHAR"} AS tx_text
    FROM ${source}`);
  const bad = await query<{ row: number; what: string; value: string }>(a, `
    SELECT row::INTEGER AS row, CASE WHEN ts IS NULL THEN ${sql.string(tsCol)} WHEN amount IS NULL THEN ${sql.string(amountCol!)} ELSE ${sql.string(txCol ?? "")} END AS what,
      CASE WHEN ts IS NULL THEN text WHEN amount IS NULL THEN amount_text ELSE tx_text END AS value
    FROM _sales_raw WHERE ts IS NULL OR amount IS NULL OR (${txCol ? "transactions IS NULL" : "false"}) ORDER BY row LIMIT 1`);
  if (bad.length) {
    const b = bad[0];
    throw new UserError(`${path}: data row ${b.row}: ${b.what} "${b.value ?? ""}" is not a ${b.what === tsCol ? "time (use ISO 8601, e.g. 2024-05-18T11:00:00)" : "number"}`);
  }
  await a.conn.run(`
    CREATE OR REPLACE TABLE sales AS
    SELECT segment, t_seconds, amount, transactions, ${clockColumns(a.config, "t_seconds")} FROM (
      SELECT s.segment, s.start, epoch(r.ts - s.start) AS t_seconds, r.amount, r.transactions
      FROM _sales_raw r LEFT JOIN segments s
        ON r.ts >= s.start AND r.ts < s.start + to_microseconds(CAST(round(s.frames_analysed * s.dt * 1e6) AS BIGINT)))`);
  return { amountColumn: amountCol!, transactionsColumn: txCol };
}

/** Sales per hour of footage in the window, with that hour's visitors and conversion; chart-ready rows. */
export async function salesByHour(a: Analytics, path: string, w: Window = {}, options: SalesOptions = {}): Promise<SalesReport> {
  const { amountColumn, transactionsColumn } = await loadSales(a, path, options);
  const hours = (await footfall(a, "hour", w)).filter((r) => r.bucket != null);
  const sold = await query<{ hour: string; transactions: number; amount: number }>(a, `
    SELECT strftime(date_trunc('hour', local_ts), '%Y-%m-%d %H:%M:%S') AS hour, sum(transactions)::DOUBLE AS transactions, sum(amount)::DOUBLE AS amount
    FROM sales WHERE segment IS NOT NULL AND ${windowWhere(w)} GROUP BY 1`);
  const [{ n }] = await query<{ n: number }>(a, `SELECT count(*)::INTEGER AS n FROM sales`);
  const byHour = new Map(sold.map((s) => [s.hour, s]));
  const withTx = transactionsColumn != null;
  const conversion = (tx: number | null, amount: number, visitors: number) => (visitors > 0 ? (withTx ? tx! : amount) / visitors : null);
  const rows: SalesHour[] = hours.map((h) => {
    const s = byHour.get(h.bucket!);
    const transactions = withTx ? (s?.transactions ?? 0) : null;
    const amount = s?.amount ?? 0;
    return {
      hour: h.bucket!, covered_seconds: h.covered_seconds, visitors: h.visitors, transactions, amount,
      conversion: conversion(transactions, amount, h.visitors), amount_per_visitor: h.visitors > 0 ? amount / h.visitors : null,
    };
  });
  const visitors = rows.reduce((t, r) => t + r.visitors, 0);
  const amount = rows.reduce((t, r) => t + r.amount, 0);
  const transactions = withTx ? rows.reduce((t, r) => t + r.transactions!, 0) : null;
  const matched = sold.length ? (await query<{ m: number }>(a, `SELECT count(*)::INTEGER AS m FROM sales WHERE segment IS NOT NULL AND ${windowWhere(w)}`))[0].m : 0;
  return {
    rows,
    conversionKind: withTx ? "transactions per visitor" : "amount per visitor",
    amountColumn,
    transactionsColumn,
    salesRows: n,
    unmatched: n - matched,
    total: { visitors, transactions, amount, conversion: conversion(transactions, amount, visitors) },
  };
}
