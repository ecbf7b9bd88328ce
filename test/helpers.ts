import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withDuckDb } from "../loaders/store/duckdb.ts";

export const SMW = join(import.meta.dirname, "..", "bin", "smw.js");

/** Runs the real CLI as a user would, returning exit code and output. */
export function smw(args: string[], opts: { timeout?: number } = {}) {
  const r = spawnSync(process.execPath, [SMW, ...args], { encoding: "utf8", timeout: opts.timeout ?? 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = "smw-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Rows of a SQL query in a fresh in-memory DuckDB (for checking Parquet outputs). */
export function query(sql: string): Promise<Record<string, unknown>[]> {
  return withDuckDb(async (conn) => (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[]);
}
