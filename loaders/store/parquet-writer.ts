// Rows go to DuckDB through its appender and leave as Parquet in chunks, so memory stays
// flat however long the video: every chunk becomes a part file, sorted by `orderBy` on the way
// out, and `finish` streams the parts in order into one file, written under a temporary name
// and renamed so a crash never leaves a half-written table where a good one was.
//
// The contract that keeps `finish` from sorting the whole table (which costs memory in
// proportion to the video): rows of a later chunk never sort before rows of an earlier one.
// The pipeline appends frame by frame, so with `orderBy` starting with the frame this holds;
// DuckDB keeps the files' order when it reads the list back (preserve_insertion_order). A
// table whose rows come in another order (tracks come back person by person) asks for
// `sortOnFinish`, and DuckDB sorts it within its memory limit, spilling to disk beyond it.
import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import type { DuckDBAppender, DuckDBConnection } from "@duckdb/node-api";
import { sqlString } from "./duckdb.ts";

export type ColumnType = "INTEGER" | "DOUBLE" | "FLOAT" | "BOOLEAN" | "VARCHAR";
export type Schema = readonly (readonly [name: string, type: ColumnType])[];
export type Cell = number | boolean | string;

function createTableSql(table: string, schema: Schema): string {
  return `CREATE OR REPLACE TABLE ${table} (${schema.map(([n, t]) => `"${n}" ${t}`).join(", ")})`;
}

export class ParquetWriter {
  private appender?: DuckDBAppender;
  private rowsInChunk = 0;
  private parts: string[] = [];
  rows = 0;

  private constructor(
    private readonly conn: DuckDBConnection,
    readonly table: string,
    readonly schema: Schema,
    readonly file: string,
    private readonly partsDir: string,
    private readonly chunkRows: number,
    private readonly orderBy: string,
    private readonly sortOnFinish: boolean,
  ) {}

  /** `existingParts` (names inside partsDir) continues a writer whose parts a checkpoint recorded; other parts there are stale. */
  static async open(
    conn: DuckDBConnection,
    opts: {
      table: string; schema: Schema; file: string; partsDir: string; chunkRows?: number; orderBy?: string; existingParts?: string[];
      /** Rows do not arrive in `orderBy` order across chunks: sort the whole table at the end. */
      sortOnFinish?: boolean;
    },
  ): Promise<ParquetWriter> {
    await conn.run(createTableSql(opts.table, opts.schema));
    mkdirSync(opts.partsDir, { recursive: true });
    const w = new ParquetWriter(conn, opts.table, opts.schema, opts.file, opts.partsDir, opts.chunkRows ?? 200_000, opts.orderBy ?? opts.schema[0][0], opts.sortOnFinish ?? false);
    const keep = new Set(opts.existingParts ?? []);
    for (const f of readdirSync(opts.partsDir)) {
      if (f.startsWith(`${opts.table}-`) && !keep.has(f)) rmSync(join(opts.partsDir, f), { force: true });
    }
    w.parts = [...keep].map((f) => join(opts.partsDir, f));
    w.appender = await conn.createAppender(opts.table);
    return w;
  }

  /** Names (inside partsDir) of the committed part files, for a checkpoint. */
  get partNames(): string[] {
    return this.parts.map((p) => basename(p));
  }

  append(row: readonly Cell[]): void {
    const a = this.appender!;
    for (let i = 0; i < this.schema.length; i++) {
      const v = row[i];
      switch (this.schema[i][1]) {
        case "INTEGER": a.appendInteger(v as number); break;
        case "DOUBLE": a.appendDouble(v as number); break;
        case "FLOAT": a.appendFloat(v as number); break;
        case "BOOLEAN": a.appendBoolean(v as boolean); break;
        case "VARCHAR": a.appendVarchar(v as string); break;
      }
    }
    a.endRow();
    this.rows++;
    this.rowsInChunk++;
  }

  /** True when enough rows are buffered that the caller should `commit` (between frames). */
  get chunkFull(): boolean {
    return this.rowsInChunk >= this.chunkRows;
  }

  /** Moves buffered rows to a part file, sorted by `orderBy`, and starts an empty table. */
  async commit(): Promise<void> {
    this.appender!.flushSync();
    if (this.rowsInChunk === 0) return;
    const part = join(this.partsDir, `${this.table}-${String(this.parts.length).padStart(5, "0")}.parquet`);
    await this.conn.run(`COPY (SELECT * FROM ${this.table} ORDER BY ${this.orderBy}) TO ${sqlString(part)} (FORMAT parquet)`);
    // a fresh table, not DELETE FROM: deleted rows kept their memory, and RSS grew with the video
    this.appender!.closeSync();
    await this.conn.run(createTableSql(this.table, this.schema));
    this.appender = await this.conn.createAppender(this.table);
    this.parts.push(part);
    this.rowsInChunk = 0;
  }

  /** SQL relation over everything appended so far (parts plus rows still buffered). */
  async relation(): Promise<string> {
    await this.commit();
    const emptySelect = `SELECT * FROM ${this.table}`;
    if (this.parts.length === 0) return `(${emptySelect})`;
    return `(SELECT * FROM read_parquet([${this.parts.map(sqlString).join(", ")}]))`;
  }

  /** Closes a writer whose rows are no longer needed (a run's scratch table), removing its parts. */
  discard(): void {
    this.appender!.closeSync();
    for (const p of this.parts) rmSync(p, { force: true });
    this.parts = [];
  }

  /**
   * Writes the final Parquet file (optionally through a SQL transform of the relation that keeps
   * row order, e.g. a WHERE) and removes the parts. Without `sortOnFinish` the parts are already
   * in order: no sort.
   */
  async finish(transform?: (relation: string) => string): Promise<void> {
    const rel = await this.relation();
    const query = transform ? transform(rel) : this.sortOnFinish ? `SELECT * FROM ${rel} ORDER BY ${this.orderBy}` : `SELECT * FROM ${rel}`;
    const tmp = `${this.file}.tmp`;
    await this.conn.run(`COPY (${query}) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
    renameSync(tmp, this.file);
    this.appender!.closeSync();
    for (const p of this.parts) rmSync(p, { force: true });
    this.parts = [];
  }
}
