// Labelled frames: how many people are really in a frame, as an analyst or a dataset says.
// Files number frames from 1 like MOTChallenge and crowd-counting sets (`frame,count`);
// in memory frames are 0-based source frames, like everywhere else in the pipeline.
//
// Accepted files:
//   CSV  frame,count        one row per labelled frame (the audit page saves this)
//   CSV  frame,x,y          one row per person (head points); counts are rows per frame
//   JSON {"frames": [{"frame": 12, "count": 7}, ...]}   frame 1-based, as in the CSV
import { readFileSync } from "node:fs";
import { UserError } from "../errors.ts";

export interface LabelledFrame {
  /** 0-based source frame. */
  frame: number;
  count: number;
}

export function parseLabels(text: string, source = "labels"): LabelledFrame[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) return parseJsonLabels(trimmed, source);
  const lines = trimmed.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  if (lines.length === 0) throw new UserError(`${source}: no labelled frames; expected CSV lines frame,count`);
  let header = lines[0].toLowerCase().split(",").map((s) => s.trim());
  const hasHeader = header.some((h) => /[a-z]/.test(h));
  if (!hasHeader) header = lines[0].split(",").length >= 3 ? ["frame", "x", "y"] : ["frame", "count"];
  const fi = header.indexOf("frame");
  const ci = header.indexOf("count");
  const xi = header.indexOf("x");
  if (fi < 0 || (ci < 0 && xi < 0)) throw new UserError(`${source}: header must be frame,count (or frame,x,y for head points); found ${lines[0]}`);
  const counts = new Map<number, number>();
  lines.slice(hasHeader ? 1 : 0).forEach((line, k) => {
    const cells = line.split(",").map((s) => Number(s.trim()));
    const frame = cells[fi];
    if (!Number.isInteger(frame) || frame < 1) throw new UserError(`${source}: line ${k + (hasHeader ? 2 : 1)}: frame must be a whole number >= 1 (frames count from 1); found "${line}"`);
    if (ci >= 0) {
      const count = cells[ci];
      if (!Number.isFinite(count) || count < 0) throw new UserError(`${source}: line ${k + (hasHeader ? 2 : 1)}: count must be a number >= 0; found "${line}"`);
      counts.set(frame - 1, count);
    } else {
      counts.set(frame - 1, (counts.get(frame - 1) ?? 0) + 1);
    }
  });
  return [...counts].map(([frame, count]) => ({ frame, count })).sort((a, b) => a.frame - b.frame);
}

function parseJsonLabels(text: string, source: string): LabelledFrame[] {
  let raw: any;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  const frames = Array.isArray(raw) ? raw : raw.frames;
  if (!Array.isArray(frames)) throw new UserError(`${source}: expected {"frames": [{"frame": 1, "count": 3}, ...]}`);
  return frames.map((f: any, i: number) => {
    const frame = Number(f.frame);
    const count = Number(f.count ?? f.points?.length);
    if (!Number.isInteger(frame) || frame < 1 || !Number.isFinite(count) || count < 0) {
      throw new UserError(`${source}: frames[${i}] needs "frame" (whole number >= 1) and "count" (>= 0)`);
    }
    return { frame: frame - 1, count };
  }).sort((a: LabelledFrame, b: LabelledFrame) => a.frame - b.frame);
}

export function readLabels(path: string): LabelledFrame[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UserError(`${path}: no such file; pass a frame,count CSV (e.g. saved from the Count audit page)`);
  }
  return parseLabels(text, path);
}

/** CSV text `frame,count` with 1-based frames: what the audit page downloads and calibrate reads. */
export function formatLabelsCsv(frames: LabelledFrame[]): string {
  return ["frame,count", ...frames.map((f) => `${f.frame + 1},${f.count}`)].join("\n") + "\n";
}

/** At most `max` labelled frames spread evenly over the list (in time order), so calibration sees the whole span. */
export function spreadFrames<T extends { frame: number }>(frames: T[], max: number): T[] {
  const sorted = [...frames].sort((a, b) => a.frame - b.frame);
  if (sorted.length <= max) return sorted;
  return Array.from({ length: max }, (_, i) => sorted[Math.floor(((i + 0.5) / max) * sorted.length)]);
}
