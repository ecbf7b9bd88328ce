// DuckDB, the one way in: SQL literals quoted in one place, and one session type (a connection
// that knows how to hand back rows and columns, and how to close itself and its database) for the
// writers, the analytics engine, the operations and the pages' loaders.
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";

/** SQL literals: strings (also file paths), instants and lists of strings. */
export const sql = {
  string: (s: string) => `'${s.replaceAll("'", "''")}'`,
  time: (d: Date) => `TIMESTAMPTZ '${d.toISOString()}'`,
  list: (items: readonly string[]) => (items.length ? `(${items.map(sql.string).join(", ")})` : "(NULL)"),
};

export const sqlString = sql.string;

export interface DuckSession {
  conn: DuckDBConnection;
  /** Rows as plain JS objects (cast counts to INTEGER/DOUBLE in the SQL: BIGINTs come back as bigint). */
  rows<T = Record<string, unknown>>(text: string): Promise<T[]>;
  /** Columns as JSON-safe arrays, by name. */
  columns(text: string): Promise<Record<string, unknown[]>>;
  close(): void;
}

/** A fresh in-memory database with one connection. */
export async function openDuckDb(): Promise<DuckSession> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  return sessionOf(conn, () => db.closeSync());
}

/** A session over a connection; `closeDb` closes what owns it. */
export function sessionOf(conn: DuckDBConnection, closeDb: () => void = () => {}): DuckSession {
  return {
    conn,
    rows: (text) => query({ conn }, text),
    columns: async (text) => (await conn.runAndReadAll(text)).getColumnsObjectJson(),
    close() {
      conn.closeSync();
      closeDb();
    },
  };
}

/** Rows of a query as plain JS objects, on anything that holds a connection. */
export async function query<T = Record<string, unknown>>(s: { conn: DuckDBConnection }, text: string): Promise<T[]> {
  return (await s.conn.runAndReadAll(text)).getRowObjectsJS() as T[];
}

/** Opens an in-memory DuckDB, runs `fn`, always closes. */
export async function withDuckDb<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const s = await openDuckDb();
  try {
    return await fn(s.conn);
  } finally {
    s.close();
  }
}
