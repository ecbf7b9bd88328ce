// `smw alerts`: occupancy alerts over a finished run.
import { Command } from "commander";
import { loadAlertRules, runAlerts } from "../ops/alerts.ts";

export function alertsCommand(): Command {
  return new Command("alerts")
    .description("occupancy alerts over a run: webhook POST and/or e-mail when people in view (or in a zone) >= N for T seconds; writes alerts.parquet")
    .argument("<run>", "run folder of smw analyze")
    .requiredOption("--rules <rules.json>", "alert rules: [{name, minPeople, forSeconds, zone?, webhook?, email?}]")
    .option("--no-deliver", "only evaluate and write alerts.parquet, send nothing")
    .addHelpText("after", `
Example:
  smw alerts runs/store --rules alerts.json     # alerts.json: [{"name": "busy", "minPeople": 20, "forSeconds": 60, "webhook": "http://127.0.0.1:9000/hook"}]`)
    .action(async (run: string, o) => {
      const r = await runAlerts({ runDir: run, rules: loadAlertRules(o.rules), deliver: o.deliver });
      for (const a of r.alerts) console.log(`${a.tSeconds.toFixed(1)} s  ${a.rule}: ${a.people} people`);
      const failed = r.deliveries.filter((d) => !d.ok);
      for (const d of failed) process.stderr.write(`smw: warning: ${d.channel} for ${d.rule} failed: ${d.error}\n`);
      console.log(`${r.alerts.length} alerts over ${r.framesEvaluated} frames -> ${r.file}`);
    });
}
