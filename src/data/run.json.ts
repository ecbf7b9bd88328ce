// run.json: what was analysed and how (video, model, tracker, timings), as the pipeline wrote it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { emit, ensureRunDir } from "./_lib/run.ts";

const dir = await ensureRunDir();
await emit(JSON.stringify(JSON.parse(readFileSync(join(dir, "run.json"), "utf8"))));
