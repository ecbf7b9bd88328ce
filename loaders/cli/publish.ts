// `smw publish`: the workbench for a store's dataset and period (or chosen runs) as a static site.
import { Command, Option } from "commander";
import { UserError } from "../errors.ts";
import { publishSite } from "../site/publish.ts";

export function publishCommand(): Command {
  return new Command("publish")
    .description("build the workbench for a store and period of a dataset, or for chosen runs, as a self-contained static site (no server, no network needed)")
    .option("--data <root...>", "dataset root (store=<id>/camera=<id>/date=<YYYY-MM-DD>/<segment>/, as smw worker writes it), or a camera's folder")
    .option("--store <id>", "only this store of the dataset")
    .option("--from <date>", "first local date to include (YYYY-MM-DD)")
    .option("--to <date>", "last local date to include (YYYY-MM-DD)")
    .option("--compare <a..b>", "Compare's two periods as dates: 2024-05-06..2024-05-09,2024-05-10..2024-05-12 (default: first half of the dates against the second)")
    .option("--runs <dirs...>", "instead of --data: a run folder; a second one is the 'after' side of the Compare page")
    .requiredOption("--out <site>", "folder for the site (replaced)")
    .option("--config <camera.json>", "camera config for the runs (default: each run's camera.json)")
    .option("--sales <sales.csv>", "point-of-sale CSV (timestamp, amount[, transactions]) for the Sales page")
    .addOption(new Option("--snapshots <mode>", "pictures of people in the site: none (no event snapshots, no audit frames), blurred (heads blurred) or raw (as recorded)").choices(["none", "blurred", "raw"]).default("none"))
    .option("--verbose", "show Observable Framework's build output")
    .addHelpText("after", `
Examples:
  smw publish --data /mnt/footage-db --store store-12 --from 2024-05-01 --to 2024-05-31 --out site/store-12-may
  smw publish --data runs/week --compare 2024-05-06..2024-05-09,2024-05-10..2024-05-12 --out site/new-display
  smw publish --runs runs/may --out site/may
  smw publish --data /mnt/footage-db --store store-12 --from 2024-05-01 --to 2024-05-31 --out site/store-12-may
  smw publish --data runs/week --compare 2024-05-06..2024-05-09,2024-05-10..2024-05-12 --out site/new-display
  smw publish --runs runs/may --out site/may-team --snapshots blurred   # with event snapshots, people blurred
  smw publish --runs runs/old-layout runs/new-layout --out site/layout-change --sales sales.csv`)
    .action(async (o) => {
      let compareDates: { a: string; b: string } | undefined;
      if (o.compare) {
        const m = /^\s*(\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d)\s*,\s*(\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d)\s*$/.exec(o.compare);
        if (!m) throw new UserError(`--compare ${o.compare}: write two date ranges, e.g. 2024-05-06..2024-05-09,2024-05-10..2024-05-12`);
        compareDates = { a: m[1], b: m[2] };
      }
      if (!o.data && !o.runs) throw new UserError("publish needs --data <dataset root> (or --runs <run folder>); see smw publish --help");
      const r = await publishSite({
        data: o.data, store: o.store, from: o.from, to: o.to, compareDates, runs: o.runs, out: o.out, camera: o.config, sales: o.sales, snapshots: o.snapshots,
        log: o.verbose ? (line) => process.stderr.write(`${line}\n`) : () => {},
      });
      console.log(`${r.pages.length} pages, ${r.files} files in ${r.seconds.toFixed(0)} s -> ${r.out} (open index.html from any static host)`);
    });
}
