// Redis, the one service the queue needs: where it is (a redis:// URL), whether it answers, and,
// for a single machine, starting and stopping Debian's redis-server with its own folder and
// persistence (append-only file), so a restart of Redis loses no job.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { RedisOptions } from "bullmq";
import { Redis } from "ioredis";
import { UserError } from "../errors.ts";

export const DEFAULT_REDIS = "redis://127.0.0.1:6379";

export interface RedisTarget {
  url: string;
  host: string;
  port: number;
  db: number;
  password?: string;
}

/** A redis:// URL read into its parts; anything else is a usage error naming the flag. */
export function parseRedisUrl(url: string = DEFAULT_REDIS): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`--redis ${url}: not a URL; write it like ${DEFAULT_REDIS}`);
  }
  if (u.protocol !== "redis:") throw new UserError(`--redis ${url}: only redis:// URLs are supported; write it like ${DEFAULT_REDIS}`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new UserError(`--redis ${url}: the database number after / must be a whole number`);
  return {
    url, host: u.hostname || "127.0.0.1", port: u.port ? Number(u.port) : 6379, db,
    password: u.password ? decodeURIComponent(u.password) : undefined,
  };
}

export function startHint(t: RedisTarget): string {
  return `start it with \`smw redis start --port ${t.port}\` (or \`redis-server --port ${t.port} --daemonize yes\`), or pass --redis`;
}

/**
 * Connection options for BullMQ. Workers wait through a Redis restart instead of failing their
 * commands (maxRetriesPerRequest null: BullMQ requires it for workers), reconnecting every second.
 */
export function connectionOptions(t: RedisTarget): RedisOptions {
  return {
    host: t.host, port: t.port, db: t.db, password: t.password,
    maxRetriesPerRequest: null, retryStrategy: () => 1000,
  };
}

/** Throws the one-line "cannot reach Redis" error unless Redis answers PING within a few seconds. */
export async function checkRedis(t: RedisTarget): Promise<void> {
  const r = new Redis({
    host: t.host, port: t.port, db: t.db, password: t.password,
    lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false,
  });
  let cause = "";
  r.on("error", (e: Error) => (cause ||= e.message)); // the socket's reason (ECONNREFUSED...), reported below once
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    throw new UserError(`cannot reach Redis at ${t.url}: ${startHint(t)} (${(cause || (e as Error).message).split("\n")[0]})`);
  } finally {
    r.disconnect();
  }
}

/** Where `smw redis start` keeps a port's data, log and pid file unless told otherwise. */
export function defaultRedisDir(port: number): string {
  const base = process.env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  return join(base, "smw", `redis-${port}`);
}

function redisServer(): string {
  const found = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (found.error || found.status !== 0) throw new UserError("redis-server: not installed; install it with `apt-get install redis-server` (Debian, Redis 7)");
  return "redis-server";
}

/**
 * Starts redis-server in the background on `port`, keeping its append-only file, log and pid in
 * `dir`; resolves once it answers. Already running there: nothing to do.
 */
export async function startRedis(port: number, dir = defaultRedisDir(port)): Promise<{ dir: string; started: boolean }> {
  const t = parseRedisUrl(`redis://127.0.0.1:${port}`);
  try {
    await checkRedis(t);
    return { dir, started: false };
  } catch {}
  const bin = redisServer();
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  const r = spawnSync(bin, [
    "--port", String(port), "--bind", "127.0.0.1", "--daemonize", "yes", "--dir", abs,
    "--appendonly", "yes", "--pidfile", join(abs, "redis.pid"), "--logfile", join(abs, "redis.log"),
  ], { encoding: "utf8" });
  if (r.status !== 0) throw new UserError(`redis-server did not start on port ${port}: ${(r.stderr || r.stdout).trim().split("\n").pop()}; see ${join(abs, "redis.log")}`);
  for (let i = 0; i < 50; i++) {
    try {
      await checkRedis(t);
      return { dir: abs, started: true };
    } catch {
      await new Promise((ok) => setTimeout(ok, 200));
    }
  }
  const log = existsSync(join(abs, "redis.log")) ? readFileSync(join(abs, "redis.log"), "utf8").trim().split("\n").pop() : "";
  throw new UserError(`redis-server on port ${port} did not answer within 10 s (${log}); see ${join(abs, "redis.log")}`);
}

/** Asks the Redis at `t` to save and shut down; false when none was running. */
export async function stopRedis(t: RedisTarget): Promise<boolean> {
  try {
    await checkRedis(t);
  } catch {
    return false;
  }
  const r = new Redis({ host: t.host, port: t.port, password: t.password, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  r.on("error", () => {});
  try {
    await r.call("SHUTDOWN", "SAVE");
  } catch {} // the connection closes as the server goes: that is the answer
  r.disconnect();
  return true;
}
