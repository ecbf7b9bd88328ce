// Output folders: made one level at a time, because Node's recursive mkdir never returns under a
// pseudo file system (mkdir /proc/x fails with ENOENT although /proc exists, and the recursive
// variant retries the parent forever), so `--out /proc/x/run` hung instead of failing.
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UserError } from "../errors.ts";

/** Creates `dir` and any missing parents, each with a plain mkdir, so every failure surfaces at once. */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at)) {
    missing.push(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e; // made by another process meanwhile
    }
  }
}

/** A folder results can be written into (created when missing), or a one-line error naming it. */
export function ensureWritableDir(dir: string, flag = "--out"): void {
  try {
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error("exists and is not a folder");
    makeDirs(dir);
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new UserError(`${dir}: cannot write results there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); choose another ${flag} folder`);
  }
}
