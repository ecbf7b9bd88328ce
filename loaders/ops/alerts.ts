// Occupancy alerts over a run's tracks: a rule fires once per episode when at least
// `minPeople` are in view (or stand inside its zone) for `forSeconds` without a break. People in
// view are the analytics engine's: its analysed frames, clock and foot points, as smw report and
// the pages count them.
// Each firing is POSTed as JSON to the rule's webhook and/or e-mailed through its SMTP
// server, and every firing is written to alerts.parquet (t_seconds, rule, people, fired_at).
import { existsSync, readFileSync, renameSync } from "node:fs";
import { join, resolve } from "node:path";
import nodemailer from "nodemailer";
import { z } from "zod";
import { UserError } from "../errors.ts";
import { readRun } from "../run/read.ts";
import { sqlString, withDuckDb } from "../store/duckdb.ts";
import { writeSnapshots } from "../analytics/snapshots.ts";
import { openAnalytics } from "../analytics/views.ts";
import { pointInPolygon, type Point } from "../geometry/plane.ts";
import { loadCameraConfig } from "../config/camera.ts";
import { resolveZones, WaitCounter } from "./zone-wait.ts";

const point = z.tuple([z.number(), z.number()]);

export const AlertRuleSchema = z.object({
  name: z.string().min(1),
  /** Polygon in source pixels, or the name of a zone of the run's camera.json; null or absent = the whole view. */
  zone: z.union([z.array(point).min(3), z.string().min(1)]).nullable().optional(),
  /** Count only people who have stood in the zone at least this long (a queue's wait). */
  waitSeconds: z.number().positive().optional(),
  minPeople: z.number().int().min(1),
  forSeconds: z.number().min(0),
  webhook: z.string().url().optional(),
  email: z.object({
    to: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    from: z.string().min(1),
    smtp: z.object({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535),
      /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
      secure: z.boolean().optional(),
      user: z.string().optional(),
      pass: z.string().optional(),
    }),
  }).optional(),
}).strict();

export type AlertRule = z.infer<typeof AlertRuleSchema>;

export interface Alert {
  rule: string;
  /** When the rule fired: the first frame at which the count had held for `forSeconds`. */
  tSeconds: number;
  /** When the episode began (count first reached minPeople). */
  sinceSeconds: number;
  frame: number;
  /** People counted (in view, or in the zone) at the firing frame. */
  people: number;
  /** Wall-clock time the alert was raised, ISO 8601. */
  firedAt: string;
}

export interface Delivery {
  rule: string;
  tSeconds: number;
  channel: "webhook" | "email";
  target: string;
  ok: boolean;
  error?: string;
}

export interface AlertsResult {
  alerts: Alert[];
  deliveries: Delivery[];
  /** alerts.parquet path. */
  file: string;
  framesEvaluated: number;
}

export interface RunAlertsOptions {
  runDir: string;
  rules: AlertRule[];
  /** Where alerts.parquet goes; default `<runDir>/alerts.parquet`. */
  out?: string;
  /** Send webhooks and e-mails (default true); false only evaluates and writes the table. */
  deliver?: boolean;
  /** Per-request timeout for webhooks and SMTP, ms. Default 10000. */
  timeoutMs?: number;
  /** Clock for fired_at (tests). */
  now?: () => Date;
}

export const ALERT_DEFAULTS = { timeoutMs: 10_000 } as const;

/** Parses and checks rules (an array, or `{ rules: [...] }`), with messages naming the field. */
export function parseAlertRules(json: unknown, source = "rules"): AlertRule[] {
  const list = Array.isArray(json) ? json : (json as { rules?: unknown })?.rules;
  const parsed = z.array(AlertRuleSchema).min(1).safeParse(list);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`${source}: invalid alert rule at ${issue.path.join(".") || "(top)"}: ${issue.message}; expected [{name, zone? (polygon or a zone's name), minPeople, forSeconds, waitSeconds?, webhook?, email?}]`);
  }
  const names = new Set<string>();
  for (const r of parsed.data) {
    if (names.has(r.name)) throw new UserError(`${source}: two alert rules are named "${r.name}"; give each rule its own name`);
    names.add(r.name);
  }
  return parsed.data;
}

export function loadAlertRules(file: string): AlertRule[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UserError(`${file}: cannot read the alert rules (${(e as NodeJS.ErrnoException).code}); check the path`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${file}: not valid JSON (${(e as Error).message}); fix the rules file`);
  }
  return parseAlertRules(json, file);
}

/** One analysed frame: when, and where each person in view stood (foot points, source pixels) with their track ids. */
export interface FrameFeet {
  frame: number;
  t: number;
  feet: Point[];
  ids?: number[];
}

/** People a rule counts in one frame: everyone in view, or the foot points inside its zone (a polygon: names are resolved first). */
export function countFor(rule: Pick<AlertRule, "zone">, f: FrameFeet): number {
  const zone = rule.zone;
  if (typeof zone === "string") throw new Error(`zone "${zone}" was not resolved to a polygon`);
  return zone ? f.feet.filter(([x, y]) => pointInPolygon(x, y, zone)).length : f.feet.length;
}

/** Every analysed frame of a run (nobody in view included), in order, from the engine's frames and tracks views. */
export async function* framesInView(runDir: string): AsyncGenerator<FrameFeet> {
  const a = await openAnalytics({ runs: [{ dir: runDir }] });
  try {
    const result = await a.conn.stream(`SELECT f.frame, f.t_seconds, t.foot_x, t.foot_y, t.track_id
      FROM frames f LEFT JOIN tracks t USING (segment, frame) ORDER BY f.frame, t.track_id`);
    let current: FrameFeet | undefined;
    for await (const chunk of result) {
      const [frames, ts, xs, ys, ids] = chunk.getColumns();
      for (let i = 0; i < chunk.rowCount; i++) {
        const frame = Number(frames[i]);
        if (current?.frame !== frame) {
          if (current) yield current;
          current = { frame, t: Number(ts[i]), feet: [], ids: [] };
        }
        if (xs[i] != null) (current.feet.push([Number(xs[i]), Number(ys[i])]), current.ids!.push(Number(ids[i])));
      }
    }
    if (current) yield current;
  } finally {
    a.close();
  }
}

/**
 * The episode logic, pure: feed frames in time order, get the firings. An episode starts at
 * the first frame with count >= minPeople and ends at the first frame below it; it fires
 * once, at the first frame where it has lasted forSeconds.
 */
export class AlertEvaluator {
  private state: { since: number | null; fired: boolean; waits?: WaitCounter }[];

  constructor(readonly rules: AlertRule[], private readonly now: () => Date = () => new Date()) {
    this.state = rules.map((r) => ({ since: null, fired: false, waits: r.waitSeconds ? new WaitCounter(r.zone as Point[] | null, r.waitSeconds) : undefined }));
  }

  push(f: FrameFeet): Alert[] {
    const out: Alert[] = [];
    this.rules.forEach((rule, i) => {
      const s = this.state[i];
      const n = s.waits ? s.waits.count(f.t, f.feet, f.ids ?? f.feet.map((_, k) => k)) : countFor(rule, f);
      if (n < rule.minPeople) {
        s.since = null;
        s.fired = false;
        return;
      }
      if (s.since === null) s.since = f.t;
      if (!s.fired && f.t - s.since >= rule.forSeconds - 1e-9) {
        s.fired = true;
        out.push({ rule: rule.name, tSeconds: f.t, sinceSeconds: s.since, frame: f.frame, people: n, firedAt: this.now().toISOString() });
      }
    });
    return out;
  }
}

export const ALERTS_SCHEMA = "t_seconds DOUBLE, rule VARCHAR, people INTEGER, fired_at VARCHAR";

/** Evaluates the rules over every analysed frame of a run, delivers, writes alerts.parquet. */
export async function runAlerts(opts: RunAlertsOptions): Promise<AlertsResult> {
  const run = readRun(opts.runDir);
  const cameraJson = join(opts.runDir, "camera.json");
  const rules = resolveZones(parseAlertRules(opts.rules, "alert rules"), existsSync(cameraJson) ? loadCameraConfig(cameraJson) : null, "alert rules");
  const evaluator = new AlertEvaluator(rules, opts.now);
  const alerts: Alert[] = [];
  let frames = 0;
  for await (const f of framesInView(opts.runDir)) {
    alerts.push(...evaluator.push(f));
    frames++;
  }
  const file = resolve(opts.out ?? join(opts.runDir, "alerts.parquet"));
  await writeAlertsParquet(file, alerts);
  // a run that keeps event snapshots gets one of each alert too
  if (!opts.out && existsSync(join(opts.runDir, "snapshots.parquet"))) await writeSnapshots(opts.runDir);

  const deliveries: Delivery[] = [];
  if (opts.deliver ?? true) {
    const timeoutMs = opts.timeoutMs ?? ALERT_DEFAULTS.timeoutMs;
    const byName = new Map(rules.map((r) => [r.name, r]));
    const context = { video: run.video.path, run: resolve(opts.runDir) };
    for (const a of alerts) {
      const rule = byName.get(a.rule)!;
      if (rule.webhook) deliveries.push(await postWebhook(rule, a, context, timeoutMs));
      if (rule.email) deliveries.push(await sendEmail(rule, a, context, timeoutMs));
    }
  }
  return { alerts, deliveries, file, framesEvaluated: frames };
}

async function writeAlertsParquet(file: string, alerts: Alert[]): Promise<void> {
  await withDuckDb(async (conn) => {
    await conn.run(`CREATE TABLE alerts (${ALERTS_SCHEMA})`);
    const app = await conn.createAppender("alerts");
    for (const a of alerts) {
      app.appendDouble(a.tSeconds);
      app.appendVarchar(a.rule);
      app.appendInteger(a.people);
      app.appendVarchar(a.firedAt);
      app.endRow();
    }
    app.closeSync();
    const tmp = `${file}.tmp`;
    try {
      await conn.run(`COPY (SELECT * FROM alerts ORDER BY t_seconds, rule) TO ${sqlString(tmp)} (FORMAT parquet)`);
    } catch (e) {
      throw new UserError(`${file}: cannot write alerts there (${(e as Error).message.split("\n")[0]}); choose a writable folder`);
    }
    renameSync(tmp, file);
  });
}

/** The JSON a webhook receives. */
export function alertPayload(a: Alert, rule: AlertRule, context: { video: string; run: string }) {
  return {
    type: "smw.occupancy_alert",
    rule: a.rule,
    people: a.people,
    min_people: rule.minPeople,
    for_seconds: rule.forSeconds,
    zone: rule.zone ?? null,
    t_seconds: a.tSeconds,
    since_seconds: a.sinceSeconds,
    frame: a.frame,
    fired_at: a.firedAt,
    video: context.video,
    run: context.run,
  };
}

async function postWebhook(rule: AlertRule, a: Alert, context: { video: string; run: string }, timeoutMs: number): Promise<Delivery> {
  const d: Delivery = { rule: a.rule, tSeconds: a.tSeconds, channel: "webhook", target: rule.webhook!, ok: false };
  try {
    const res = await fetch(rule.webhook!, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "store-motion-workbench" },
      body: JSON.stringify(alertPayload(a, rule, context)),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    d.ok = res.ok;
    if (!res.ok) d.error = `HTTP ${res.status} ${res.statusText}`;
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    d.error = err.cause?.code ?? err.cause?.message ?? err.message;
  }
  return d;
}

async function sendEmail(rule: AlertRule, a: Alert, context: { video: string; run: string }, timeoutMs: number): Promise<Delivery> {
  const e = rule.email!;
  const to = Array.isArray(e.to) ? e.to.join(", ") : e.to;
  const d: Delivery = { rule: a.rule, tSeconds: a.tSeconds, channel: "email", target: to, ok: false };
  const transport = nodemailer.createTransport({
    host: e.smtp.host,
    port: e.smtp.port,
    secure: e.smtp.secure ?? e.smtp.port === 465,
    auth: e.smtp.user ? { user: e.smtp.user, pass: e.smtp.pass ?? "" } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  const where = rule.zone ? "in the zone" : "in view";
  try {
    await transport.sendMail({
      from: e.from,
      to,
      subject: `[smw] ${a.rule}: ${a.people} people ${where}`,
      text: [
        `Alert "${a.rule}": ${a.people} people ${where} (rule: at least ${rule.minPeople} for ${rule.forSeconds} s).`,
        `Since ${a.sinceSeconds.toFixed(2)} s into the video, fired at ${a.tSeconds.toFixed(2)} s (frame ${a.frame}).`,
        `Video: ${context.video}`,
        `Run: ${context.run}`,
        `Raised at ${a.firedAt}.`,
      ].join("\n"),
      headers: { "X-SMW-Rule": a.rule },
    });
    d.ok = true;
  } catch (err) {
    d.error = (err as Error).message;
  } finally {
    transport.close();
  }
  return d;
}
