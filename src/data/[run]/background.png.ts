// data/{a,b}/background.png: the run's people-free background plate (a 1x1 grey pixel for an
// unconfigured run B).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hasRunB, emit, ensureRunDir, whichRun } from "../_lib/run.ts";

const which = whichRun();
const GREY_PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGO4AwAAywDKNMsCbgAAAABJRU5ErkJggg==";
await emit(which === "b" && !hasRunB() ? Buffer.from(GREY_PIXEL, "base64") : readFileSync(join(await ensureRunDir(which), "background.png")));
