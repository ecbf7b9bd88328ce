// `smw`: the command line over the pipeline. Each command lives in loaders/cli/<command>.ts; this
// file assembles them, and only this edge turns errors into messages and exit codes (0 done,
// 2 bad input or usage, 3 partial result, 1 internal error).
import { Command, CommanderError } from "commander";
import { UserError } from "./errors.ts";
import { alertsCommand } from "./cli/alerts.ts";
import { analyzeCommand } from "./cli/analyze.ts";
import { annotateCommand } from "./cli/annotate.ts";
import { calibrateCommand } from "./cli/calibrate.ts";
import { evalCommand } from "./cli/eval.ts";
import { exportCommand } from "./cli/export.ts";
import { publishCommand } from "./cli/publish.ts";
import { queueCommand } from "./cli/queue.ts";
import { redisCommand } from "./cli/redis.ts";
import { reportCommand } from "./cli/report.ts";
import { simulateCommand } from "./cli/simulate.ts";
import { watchCommand } from "./cli/watch.ts";
import { workerCommand } from "./cli/worker.ts";

export function buildProgram(): Command {
  const program = new Command("smw")
    .description("Store Motion Workbench: privacy-safe people analytics from store CCTV")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  const commands = [
    analyzeCommand(), reportCommand(), exportCommand(), alertsCommand(), annotateCommand(), watchCommand(), publishCommand(),
    calibrateCommand(), evalCommand(), simulateCommand(),
    queueCommand(), workerCommand(), redisCommand(),
  ];
  // subcommands made on their own inherit nothing: usage errors must still throw, not exit
  for (const c of commands) program.addCommand(c.copyInheritedSettings(program));
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version are not errors; usage mistakes are bad input
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UserError) {
      process.stderr.write(`smw: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`smw: internal error: ${(e as Error).message}\n`);
    if (process.env.SMW_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    else process.stderr.write("smw: run again with SMW_DEBUG=1 for details, and report it with that output\n");
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
