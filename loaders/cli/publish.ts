// `smw publish`: the workbench for chosen runs as a static site.
import { Command, Option } from "commander";
import { publishSite } from "../site/publish.ts";

export function publishCommand(): Command {
  return new Command("publish")
    .description("build the workbench for chosen runs as a self-contained static site (no server, no network needed)")
    .requiredOption("--runs <dirs...>", "run folder; a second one is the 'after' side of the Compare page")
    .requiredOption("--out <site>", "folder for the site (replaced)")
    .option("--config <camera.json>", "camera config for the runs (default: each run's camera.json)")
    .option("--sales <sales.csv>", "point-of-sale CSV (timestamp, amount[, transactions]) for the Sales page")
    .addOption(new Option("--snapshots <mode>", "pictures of people in the site: none (no event snapshots, no audit frames), blurred (heads blurred) or raw (as recorded)").choices(["none", "blurred", "raw"]).default("none"))
    .option("--verbose", "show Observable Framework's build output")
    .addHelpText("after", `
Examples:
  smw publish --runs runs/may --out site/may
  smw publish --runs runs/may --out site/may-team --snapshots blurred   # with event snapshots, people blurred
  smw publish --runs runs/old-layout runs/new-layout --out site/layout-change --sales sales.csv`)
    .action(async (o) => {
      const r = await publishSite({ runs: o.runs, out: o.out, camera: o.config, sales: o.sales, snapshots: o.snapshots, log: o.verbose ? (line) => process.stderr.write(`${line}\n`) : () => {} });
      console.log(`${r.pages.length} pages, ${r.files} files in ${r.seconds.toFixed(0)} s -> ${r.out} (open index.html from any static host)`);
    });
}
