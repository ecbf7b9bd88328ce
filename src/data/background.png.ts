// background.png: the run's people-free background plate, at source-video resolution.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { emit, ensureRunDir } from "./_lib/run.ts";

await emit(readFileSync(join(await ensureRunDir(), "background.png")));
