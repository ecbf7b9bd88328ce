// `smw simulate`: renders a scenario's days into segment files named like a recorder's
// (<camera>_<YYYYmmdd_HHMMSS>.mp4), with the ground truth beside them. Days are planned one at a
// time from their own seeded stream, so a seed gives the same footage and truth on any machine, and
// rendering a day never depends on the days before it.
//
//   <out>/<camera>/camera.json                the camera config (for smw analyze --config)
//   <out>/<camera>/<segment>.mp4 + .gt.txt    video and its MOT ground truth
//   <out>/<camera>/truth/<segment>/           a run folder of the true boxes (smw report reads it)
//   <out>/<camera>/truth/*.parquet            crossings, zone visits, counts per frame, queue waits
//   <out>/<camera>/truth.json                 headline numbers per day and per window
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, extname, join, relative } from "node:path";
import { decode } from "fast-png";
import { wallClockToDate, type CameraConfig } from "../config/camera.ts";
import { UserError } from "../errors.ts";
import { SegmentEncoder } from "./encode.ts";
import type { HeightModel } from "./path.ts";
import { planDay, type Agent } from "./plan.ts";
import { heightModelFrom } from "./plate.ts";
import { renderFrame, type TrueBox } from "./render.ts";
import { loadScenario, type LoadedScenario } from "./scenario.ts";
import { loadSprites, type Person, type SpriteSet } from "./sprites.ts";
import { formatTruthMot, segmentTruth, truthRows, type TruthRow } from "./truth.ts";
import { TruthWriter } from "./truth-files.ts";
import { TruthCollector } from "./truth-log.ts";
import { windows } from "./truth-summary.ts";

export interface SimulateOptions {
  scenario: string;
  out: string;
  days?: number;
  seed?: number;
  /** false: plan and write the truth only, no video (many seeds in seconds). Default true. */
  video?: boolean;
  onProgress?: (p: { framesDone: number; framesTotal: number; elapsed: number }) => void;
  log?: (message: string) => void;
}

export interface SimulateResult {
  camera: string;
  dir: string;
  segments: string[];
  frames: number;
  /** Wall seconds rendering and encoding (the planning and truth files are not in it). */
  renderSeconds: number;
}

export interface Background { width: number; height: number; rgb: Uint8Array; heights?: HeightModel }

function loadBackground(s: LoadedScenario, sprites: SpriteSet): Background {
  let file = s.backgroundPath;
  if (statSync(file).isDirectory()) file = join(file, "background.png");
  if (extname(file).toLowerCase() === ".png") {
    if (!existsSync(file)) throw new UserError(`${s.path}: background: ${s.backgroundPath} holds no background.png; pass a run folder of smw analyze, a PNG or a clip`);
    const png = decode(readFileSync(file));
    const ch = png.channels;
    if (png.depth !== 8 || ch < 3) throw new UserError(`${s.path}: background: ${file} must be an 8-bit RGB or RGBA PNG`);
    const rgb = new Uint8Array(png.width * png.height * 3);
    for (let i = 0; i < png.width * png.height; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = png.data[i * ch + c];
    return { width: png.width, height: png.height, rgb };
  }
  const plate = sprites.plates.find((p) => p.source === basename(file))!;
  return { width: plate.width, height: plate.height, rgb: plate.rgb, heights: plate.heightModel };
}

/** The camera config in video pixels when the video is `k` times the background. */
function scaledConfig(c: CameraConfig, k: number): CameraConfig {
  if (k === 1) return c;
  const p = ([x, y]: readonly [number, number]): [number, number] => [x * k, y * k];
  return { ...c, lines: c.lines.map((l) => ({ ...l, a: p(l.a), b: p(l.b) })), zones: c.zones.map((z) => ({ ...z, polygon: z.polygon.map(p) })) };
}

const scaledBoxes = (boxes: TrueBox[], k: number) => (k === 1 ? boxes : boxes.map((b) => ({ ...b, x1: b.x1 * k, y1: b.y1 * k, x2: b.x2 * k, y2: b.y2 * k })));

export interface DaySlot { day: number; date: string; weekday: number }

export function daysOf(start: string, days: number): DaySlot[] {
  const [y, m, d] = start.split("-").map(Number);
  return Array.from({ length: days }, (_, i) => {
    const at = new Date(Date.UTC(y, m - 1, d + i));
    return { day: i + 1, date: at.toISOString().slice(0, 10), weekday: (at.getUTCDay() + 6) % 7 };
  });
}

const hms = (s: number) => [Math.floor(s / 3600), Math.floor(s / 60) % 60, Math.floor(s) % 60].map((v) => String(v).padStart(2, "0"));

/** Segment starts (seconds from local midnight) and lengths within opening hours. */
export function segmentSlots(s: LoadedScenario): { start: number; frames: number }[] {
  const [open, close] = s.clock.open.map((h) => Math.round(h * 3600));
  const every = (s.clock.everyMinutes ?? s.clock.segmentMinutes) * 60;
  const slots = [];
  for (let start = open; start < close; start += every) {
    const frames = Math.round(Math.min(s.clock.segmentMinutes * 60, close - start) * s.clock.fps);
    if (frames > 0) slots.push({ start: Math.round(start), frames });
  }
  return slots;
}

interface SegmentJob {
  /** Where the video goes; null: truth only. */
  video: string | null;
  bg: Background;
  /** Size of the written video and truth (the frames are drawn at the background's). */
  size: [number, number];
  fps: number;
  agents: Agent[];
  people: Person[];
  heights: HeightModel;
  /** Seconds from local midnight of the first frame. */
  from: number;
  frames: number;
}

/** Draws and encodes one segment; returns its true boxes in video pixels. */
async function renderSegment(j: SegmentJob, onFrame: () => void): Promise<TruthRow[]> {
  const { bg, fps, size: [VW, VH] } = j;
  const k = VW / bg.width;
  const enc = j.video ? new SegmentEncoder(j.video, { width: bg.width, height: bg.height, fps, size: j.size }) : undefined;
  const rows: TruthRow[] = [];
  try {
    for (let f = 0; f < j.frames; f++) {
      const buf = enc ? await enc.frame() : null;
      buf?.set(bg.rgb);
      rows.push(...truthRows(f, scaledBoxes(renderFrame(buf, bg.width, bg.height, j.agents, j.from + f / fps, j.people, j.heights), k), VW, VH));
      if (enc) enc.write(buf!);
      onFrame();
    }
    await enc?.close();
  } catch (e) {
    enc?.abort();
    throw e;
  }
  return rows;
}

const overlaps = (a: Agent, from: number, to: number) => a.path.t[0] <= to && a.path.t[a.path.t.length - 1] >= from;

export async function simulate(o: SimulateOptions): Promise<SimulateResult> {
  const s = loadScenario(o.scenario, { days: o.days });
  const seed = o.seed ?? 1;
  const log = o.log ?? (() => {});
  const camera = s.cameraConfig.camera;
  const clips = [...new Set([...s.peoplePaths, ...(/\.(png)$/i.test(s.backgroundPath) || statSync(s.backgroundPath).isDirectory() ? [] : [s.backgroundPath])])];
  const sprites = await loadSprites(clips, log);
  const bg = loadBackground(s, sprites);
  const heights = s.perspective ? heightModelFrom(s.perspective.heightAt) : bg.heights;
  if (!heights) throw new UserError(`${s.path}: perspective: needed when the background is an image; give {"heightAt": [[footY, heightPx], [footY, heightPx]]} from two people in it`);
  const people = sprites.people.filter((p) => s.peoplePaths.some((c) => basename(c) === p.source));

  const dir = join(o.out, camera);
  const truthDir = join(dir, "truth");
  mkdirSync(truthDir, { recursive: true });
  const { width: W, height: H, fps } = { ...bg, fps: s.clock.fps };
  // clock.size scales what is written (video, truth, camera config); planning and drawing stay in the background's pixels
  const [VW, VH] = s.clock.size ?? [W, H];
  const k = VW / W;
  if (Math.abs(VH / H - k) > 0.01) throw new UserError(`${s.path}: clock.size: ${VW}x${VH} changes the background's aspect ratio (${W}x${H}); keep it`);
  const config = scaledConfig(s.cameraConfig, k);
  const { start: _omit, ...cameraJson } = config; // each file name tells its start
  const cameraFile = join(dir, "camera.json");
  writeFileSync(cameraFile, `${JSON.stringify(cameraJson, null, 2)}\n`);

  const days = daysOf(s.clock.start, s.clock.days);
  const slots = segmentSlots(s);
  const names = new Set(days.flatMap((d) => slots.map((x) => `${camera}_${d.date.replaceAll("-", "")}_${hms(x.start).join("")}.mp4`)));
  // segments of an earlier render would be analysed with the new ones while the truth covers only these
  const stale = readdirSync(dir).filter((f) => f.endsWith(".mp4") && !names.has(f));
  if (stale.length) throw new UserError(`${dir}: holds ${stale.length} segment(s) this scenario does not render (${stale[0]}, ...): render into an empty --out folder, or delete them`);
  const framesTotal = days.length * slots.reduce((t, x) => t + x.frames, 0);
  const writer = await TruthWriter.open();
  const collect = new TruthCollector();
  const segments: string[] = [];
  let framesDone = 0, renderSeconds = 0;
  const t0 = performance.now();
  try {
    for (const d of days) {
      const agents = planDay({ scenario: s, heights, people: people.length, day: d.day, weekday: d.weekday, seed });
      const localIso = (sec: number) => `${d.date}T${hms(sec).join(":")}`;
      for (const slot of slots) {
        const name = `${camera}_${d.date.replaceAll("-", "")}_${hms(slot.start).join("")}`; // as in `names`
        const video = join(dir, `${name}.mp4`);
        const start = wallClockToDate(localIso(slot.start), s.cameraConfig.timezone)!;
        const end = slot.start + slot.frames / fps;
        const about = agents.filter((a) => overlaps(a, slot.start, end));
        const r0 = performance.now();
        const rows = await renderSegment({ video: o.video === false ? null : video, bg, size: [VW, VH], fps, agents: about, people, heights, from: slot.start, frames: slot.frames }, () => {
          if (++framesDone % 50 === 0) o.onProgress?.({ framesDone, framesTotal, elapsed: (performance.now() - t0) / 1000 });
        });
        renderSeconds += (performance.now() - r0) / 1000;
        segments.push(name);
        writeFileSync(join(dir, `${name}.gt.txt`), formatTruthMot(rows));
        const st = segmentTruth(rows, slot.frames, fps, config, name);
        const meta = { name, video: relative(join(truthDir, name), video), width: VW, height: VH, fps, frames: slot.frames, start };
        await writer.segmentRun(join(truthDir, name), meta, rows, st, cameraFile);
        collect.segment(d, name, slot.start, start, fps, st);
      }
      collect.queue(d, agents, (sec) => slots.some((x) => sec >= x.start && sec < x.start + x.frames / fps), localIso);
      log(`day ${d.day} (${d.date}): ${agents.filter((a) => !a.staff).length} customers, ${agents.filter((a) => a.staff).length} staff, ${slots.length} segments`);
    }
    await writer.tables(truthDir, collect.tables);
  } finally {
    writer.close();
  }
  const summary = {
    doc: "Ground truth of footage rendered by smw simulate from real people cut out of the bundled clips: rendered, not real store footage. Figures use the analytics engine's definitions on the true boxes.",
    store: s.store, camera, scenario: basename(s.path), seed,
    fps, size: [VW, VH], segments: segments.length, frames: framesTotal,
    ...windows(collect.log, config, days, s.interventions),
  };
  writeFileSync(join(dir, "truth.json"), `${JSON.stringify(summary, (_, v) => (typeof v === "number" && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v), 2)}\n`);
  return { camera, dir, segments, frames: framesTotal, renderSeconds };
}
