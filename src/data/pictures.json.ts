// data/pictures.json: the pictures the pages draw under their maps, as data: URLs: each camera's
// people-free plate (in data/store.bin's camera order), with the heads of anyone standing in it
// blurred unless the build asks for raw pictures (_lib/store-plate.ts), and the store's floor plan.
// Apart from the bundle so the privacy scan of built sites sees every picture a site carries.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { emitJson } from "./_lib/run.ts";
import { chooseStore, findPlan } from "./_lib/store.ts";
import { shippablePlate } from "./_lib/store-plate.ts";

const url = (bytes: Uint8Array) => `data:image/png;base64,${Buffer.from(bytes).toString("base64")}`;
const { cameras, source } = await chooseStore();
const backgrounds = [];
for (const c of cameras) {
  // the newest segment's plate: a camera moved mid-way shows where it looks now
  const dir = [...c.dirs].reverse().find((d) => existsSync(join(d, "background.png")));
  backgrounds.push(dir ? url(await shippablePlate(dir)) : null);
}
const floored = cameras.find((c) => c.config.floor);
const planFile = floored ? findPlan(floored.config.floor!.plan, floored, source.roots) : null;
await emitJson({ cameras: cameras.map((c) => (c.store ? `${c.store}/${c.camera}` : c.camera)), backgrounds, plan: planFile ? url(new Uint8Array(readFileSync(planFile))) : null });
