import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { smw, tempDir } from "./helpers.ts";

const dir = tempDir();
const cases: [string, string, RegExp][] = [
  ["missing file", join(dir, "nope.mp4"), /no such file/],
  ["a folder with no videos in it", join(dir, "folder.mp4"), /folder holds no video files/],
  ["a zero-byte file", join(dir, "empty.mp4"), /empty/],
  ["a text file named .mp4", join(dir, "notes.mp4"), /not a readable video/],
];
mkdirSync(join(dir, "folder.mp4"));
writeFileSync(join(dir, "empty.mp4"), "");
writeFileSync(join(dir, "notes.mp4"), "these are my shopping notes, not a video\n".repeat(50));

for (const [what, file, message] of cases) {
  test(`analyze on ${what}: one-line error naming the file, exit 2, no stack`, () => {
    const r = smw(["analyze", file, "--out", join(dir, "out")]);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0].includes(file), lines[0]);
    assert.match(lines[0], message);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
}

test("usage mistakes exit 2", () => {
  assert.equal(smw(["analyze", "data/clips/tud-campus.mp4"]).code, 2); // no --out
  assert.equal(smw(["analyze", "data/clips/tud-campus.mp4", "--out", dir, "--stride", "0"]).code, 2);
  assert.equal(smw(["frobnicate"]).code, 2);
});

test("--help exits 0 and shows examples", () => {
  const r = smw(["analyze", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Examples:/);
});

test("unwritable output folder gets a one-line error naming it", () => {
  const blocker = join(dir, "a-file");
  writeFileSync(blocker, "x");
  const r = smw(["analyze", "data/clips/tud-campus.mp4", "--out", join(blocker, "run")]);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, /a-file\/run: cannot write/);
});

test("an --out under a pseudo file system fails at once with exit 2 (recursive mkdir there never returned)", () => {
  const r = smw(["analyze", "data/clips/tud-campus.mp4", "--out", "/proc/x/run"], { timeout: 30_000 });
  assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr}`);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, /\/proc\/x\/run: cannot write results there \(ENOENT\); choose another --out folder/);
});

test("a --mot path that cannot be written stops before any work, with one line naming it", () => {
  const mot = join(dir, "no-such-folder", "tracks.txt");
  const r = smw(["analyze", "data/clips/tud-campus.mp4", "--out", join(dir, "mot-run"), "--mot", mot]);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.ok(r.stderr.includes(mot), r.stderr);
  assert.match(r.stderr, /choose another --mot path/);
});

test("a run that fails after the --mot check leaves an earlier MOT file as it was, and creates none", () => {
  const kept = join(dir, "earlier.txt");
  writeFileSync(kept, "1,1,10,20,30,60,0.9,-1,-1,-1\n");
  const missingModel = join(dir, "no-model.json");
  const r = smw(["analyze", "data/clips/tud-campus.mp4", "--out", join(dir, "mot-kept"), "--mot", kept, "--model", missingModel]);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(readFileSync(kept, "utf8"), "1,1,10,20,30,60,0.9,-1,-1,-1\n");
  const fresh = join(dir, "fresh.txt");
  assert.equal(smw(["analyze", "data/clips/tud-campus.mp4", "--out", join(dir, "mot-fresh"), "--mot", fresh, "--model", missingModel]).code, 2);
  assert.equal(existsSync(fresh), false);
});
