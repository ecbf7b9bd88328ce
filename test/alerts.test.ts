// Occupancy alerts end to end: tracks from a real run of the bundled clip, a local HTTP
// server as the webhook and a local SMTP server as the mail relay, both on 127.0.0.1.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { AlertEvaluator, parseAlertRules, runAlerts, type AlertRule, type FrameFeet } from "../loaders/ops/alerts.ts";
import { withDuckDb } from "../loaders/store/duckdb.ts";
import { UserError } from "../loaders/errors.ts";
import { smw, tempDir } from "./helpers.ts";

const CLIP = "data/clips/tud-campus.mp4";
const dir = tempDir("smw-alerts-");
const runDir = join(dir, "run");
const run = smw(["analyze", CLIP, "--out", runDir, "--quiet"]);

// --- a webhook receiver: 200 on /hook, 500 on /broken
const posts: { path: string; body: Record<string, unknown>; type?: string }[] = [];
const http = createServer(async (req: IncomingMessage, res) => {
  let body = "";
  for await (const c of req) body += c;
  posts.push({ path: req.url ?? "", body: JSON.parse(body), type: req.headers["content-type"] });
  res.statusCode = req.url === "/broken" ? 500 : 200;
  res.end("ok");
});
await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
const hook = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

// --- an SMTP relay that keeps what it receives
const mails: { from: string; to: string[]; data: string }[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData(stream, session, callback) {
    let data = "";
    stream.setEncoding("utf8");
    stream.on("data", (c: string) => (data += c));
    stream.on("end", () => {
      mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "", to: session.envelope.rcptTo.map((r) => r.address), data });
      callback();
    });
  },
});
await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", r));
const smtpPort = (smtp.server.address() as AddressInfo).port;

after(async () => {
  await new Promise((r) => http.close(r));
  await new Promise<void>((r) => smtp.close(() => r()));
});

async function countsPerFrame(): Promise<Map<number, number>> {
  return withDuckDb(async (conn) => {
    const rows = (await conn.runAndReadAll(`SELECT frame, count(*)::INTEGER AS n FROM '${join(runDir, "tracks.parquet")}' GROUP BY frame`)).getRowObjectsJS();
    return new Map(rows.map((r) => [r.frame as number, r.n as number]));
  });
}

/**
 * The most people the clip keeps in view for 0.2 s (6 frames at 25 fps) somewhere: a rule at that
 * many must fire. Taken from the tracks themselves, so the test follows the detector's answers.
 */
async function heldCrowd(): Promise<number> {
  const counts = await countsPerFrame();
  const frames = Math.max(...counts.keys());
  let best = 0;
  for (let f = 0; f + 5 <= frames; f++) best = Math.max(best, Math.min(...[0, 1, 2, 3, 4, 5].map((k) => counts.get(f + k) ?? 0)));
  return best;
}

const email = (to: string) => ({ to, from: "smw@store.example", smtp: { host: "127.0.0.1", port: smtpPort } });

test("the bundled clip was analysed", () => assert.equal(run.code, 0, run.stderr));

test("the most people held for 0.2 s fires once per episode (webhook + e-mail); minPeople 50 never fires; alerts.parquet has the rows", async () => {
  const most = await heldCrowd();
  assert.ok(most >= 3, `the clip holds a crowd of ${most}`);
  const rules: AlertRule[] = [
    { name: "crowd", minPeople: most, forSeconds: 0.2, webhook: `${hook}/hook`, email: email("manager@store.example") },
    { name: "stampede", minPeople: 50, forSeconds: 0, webhook: `${hook}/hook`, email: email("nobody@store.example") },
  ];
  const t0 = performance.now();
  const r = await runAlerts({ runDir, rules });
  console.log(`alerts over ${r.framesEvaluated} frames: ${r.alerts.length} fired, ${r.deliveries.length} deliveries in ${(performance.now() - t0).toFixed(0)} ms`, r.alerts);
  assert.equal(r.framesEvaluated, 71);

  const crowd = r.alerts.filter((a) => a.rule === "crowd");
  assert.ok(crowd.length >= 1, "crowd fired");
  assert.equal(r.alerts.filter((a) => a.rule === "stampede").length, 0);

  // each firing is the first moment the count had held >= most for 0.2 s, and only one per episode
  const counts = await countsPerFrame();
  const fps = 25;
  for (const a of crowd) {
    assert.ok(a.people >= most);
    assert.ok(a.tSeconds - a.sinceSeconds >= 0.2 - 1e-9 && a.tSeconds - a.sinceSeconds < 0.2 + 1 / fps);
    const since = Math.round(a.sinceSeconds * fps);
    assert.ok((counts.get(since - 1) ?? 0) < most, "episode starts where the count reaches the rule's minimum");
    for (let f = since; f <= a.frame; f++) assert.ok((counts.get(f) ?? 0) >= most, `count held at frame ${f}`);
  }
  for (let i = 1; i < crowd.length; i++) {
    const between = [...Array(crowd[i].frame - crowd[i - 1].frame).keys()].map((k) => counts.get(crowd[i - 1].frame + k) ?? 0);
    assert.ok(between.some((n) => n < most), "a second firing needs a new episode");
  }

  // delivered: one POST and one e-mail per firing, nothing for the rule that never fired
  assert.ok(r.deliveries.every((d) => d.ok), JSON.stringify(r.deliveries));
  const hooked = posts.filter((p) => p.path === "/hook");
  assert.equal(hooked.length, crowd.length);
  assert.equal(hooked[0].type, "application/json");
  assert.equal(hooked[0].body.rule, "crowd");
  assert.equal(hooked[0].body.people, crowd[0].people);
  assert.equal(hooked[0].body.t_seconds, crowd[0].tSeconds);
  assert.equal(hooked[0].body.min_people, most);
  assert.match(String(hooked[0].body.fired_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(mails.length, crowd.length);
  assert.deepEqual(mails[0].to, ["manager@store.example"]);
  assert.equal(mails[0].from, "smw@store.example");
  assert.match(mails[0].data, /Subject: \[smw\] crowd: \d+ people in view/);

  // alerts.parquet: the documented columns, one row per firing
  await withDuckDb(async (conn) => {
    const file = join(runDir, "alerts.parquet");
    const cols = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM '${file}'`)).getRowObjectsJS();
    assert.deepEqual(cols.map((c) => `${c.column_name}:${c.column_type}`), ["t_seconds:DOUBLE", "rule:VARCHAR", "people:INTEGER", "fired_at:VARCHAR"]);
    const rows = (await conn.runAndReadAll(`SELECT * FROM '${file}'`)).getRowObjectsJS();
    assert.deepEqual(rows.map((x) => [x.rule, x.t_seconds, x.people]), crowd.map((a) => ["crowd", a.tSeconds, a.people]));
    assert.ok(rows.every((x) => !Number.isNaN(Date.parse(String(x.fired_at)))));
  });
});

test("zone rule counts foot points inside the polygon only", async () => {
  // left half vs. a sliver no one stands in
  const left = { name: "left-half", zone: [[0, 0], [320, 0], [320, 480], [0, 480]] as [number, number][], minPeople: 1, forSeconds: 0 };
  const empty = { name: "sky", zone: [[0, 0], [640, 0], [640, 40], [0, 40]] as [number, number][], minPeople: 1, forSeconds: 0 };
  const r = await runAlerts({ runDir, rules: [left, empty], deliver: false, out: join(dir, "zone-alerts.parquet") });
  assert.ok(r.alerts.some((a) => a.rule === "left-half"));
  assert.ok(!r.alerts.some((a) => a.rule === "sky"));
  assert.equal(r.deliveries.length, 0);
});

test("failed deliveries are reported, not thrown, and the alert is still recorded", async () => {
  const closed = createServer();
  await new Promise<void>((res) => closed.listen(0, "127.0.0.1", res));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise((res) => closed.close(res));
  const rules: AlertRule[] = [{
    name: "crowd-broken", minPeople: await heldCrowd(), forSeconds: 0.2, webhook: `${hook}/broken`,
    email: { to: "x@store.example", from: "smw@store.example", smtp: { host: "127.0.0.1", port: deadPort } },
  }];
  const r = await runAlerts({ runDir, rules, out: join(dir, "broken-alerts.parquet"), timeoutMs: 3000 });
  assert.ok(r.alerts.length >= 1);
  const web = r.deliveries.find((d) => d.channel === "webhook")!;
  const mail = r.deliveries.find((d) => d.channel === "email")!;
  assert.equal(web.ok, false);
  assert.match(web.error!, /HTTP 500/);
  assert.equal(mail.ok, false);
  assert.match(mail.error!, /ECONNREFUSED|connect/i);
});

test("episode logic: forSeconds 0 fires on the first frame, a dip below minPeople starts a new episode", () => {
  const f = (frame: number, n: number): FrameFeet => ({ frame, t: frame / 10, feet: Array.from({ length: n }, (): [number, number] => [5, 10]) });
  const ev = new AlertEvaluator([
    { name: "now", minPeople: 2, forSeconds: 0 },
    { name: "held", minPeople: 2, forSeconds: 0.3 },
  ], () => new Date(0));
  const fired = [0, 2, 2, 2, 1, 2, 2, 2, 2, 2].flatMap((n, i) => ev.push(f(i, n)));
  assert.deepEqual(fired.map((a) => [a.rule, a.frame, a.sinceSeconds]), [["now", 1, 0.1], ["now", 5, 0.5], ["held", 8, 0.5]]);
});

test("bad rules are refused with a one-line message naming the field", () => {
  assert.throws(() => parseAlertRules([{ name: "x", minPeople: 0, forSeconds: 1 }], "rules.json"), (e: unknown) => e instanceof UserError && /rules\.json: invalid alert rule at 0\.minPeople/.test(e.message));
  assert.throws(() => parseAlertRules([{ name: "x", minPeople: 2, forSeconds: 1, webhook: "not a url" }]), (e: unknown) => e instanceof UserError && /webhook/.test(e.message));
  assert.throws(() => parseAlertRules([{ name: "x", minPeople: 2, forSeconds: 1 }, { name: "x", minPeople: 3, forSeconds: 1 }]), /two alert rules are named "x"/);
  assert.equal(parseAlertRules({ rules: [{ name: "x", minPeople: 2, forSeconds: 1, zone: null }] }).length, 1);
});
