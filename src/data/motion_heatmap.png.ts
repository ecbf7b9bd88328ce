// motion_heatmap.png: where the picture changed, colour-mapped by the pipeline (inferno over a
// dimmed background plate), at source-video resolution.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { emit, ensureRunDir } from "./_lib/run.ts";

await emit(readFileSync(join(await ensureRunDir(), "motion_heatmap.png")));
