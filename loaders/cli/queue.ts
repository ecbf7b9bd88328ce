// `smw queue add|status|retry-failed|drain`: segments of a store's cameras as jobs on a BullMQ
// queue in Redis, analysed by any number of `smw worker` processes on any number of machines.
import { Command, Option } from "commander";
import { loadCameraConfig } from "../config/camera.ts";
import { UserError } from "../errors.ts";
import { expandVideoInputs } from "../pipeline/segments.ts";
import { checkStoreId, planJobs } from "../queue/jobs.ts";
import { addJobs, openQueue, type SegmentQueue } from "../queue/queue.ts";
import { DEFAULT_REDIS, parseRedisUrl } from "../queue/redis.ts";
import { formatStatus, queueStatus } from "../queue/status.ts";
import { positiveInt } from "./options.ts";

/**
 * A subcommand of a command group: `smw` copies its settings only one level down, so a usage
 * mistake here must be made to throw (exit 2 at the edge) rather than exit by itself.
 */
export function subcommand(c: Command): Command {
  return c.exitOverride().showHelpAfterError("(run with --help for usage)");
}

/** `--redis`, the same on every queue command: the flag, else SMW_REDIS, else the local default. */
export function redisOption(): Option {
  return new Option("--redis <url>", "Redis holding the queue").default(DEFAULT_REDIS).env("SMW_REDIS");
}

async function withQueue<T>(url: string, fn: (q: SegmentQueue) => Promise<T>): Promise<T> {
  const queue = await openQueue(parseRedisUrl(url));
  try {
    return await fn(queue);
  } finally {
    await queue.close();
  }
}

function addCommand(): Command {
  return new Command("add")
    .description("plan segments (as smw analyze does for folders) and enqueue one job per segment; files already queued or done are skipped")
    .argument("<video...>", "video files or folders of one camera's segments")
    .requiredOption("--store <id>", "store id: the dataset folder store=<id>")
    .requiredOption("--config <camera.json>", "camera config (its camera id names the camera=<id> folder)")
    .option("--stride <n>", "analyse every Nth frame", positiveInt("--stride"))
    .option("--model <manifest.json>", "model manifest")
    .option("--no-motion-gate", "run the detector on every frame (default: frames that do not differ from the background plate skip it)")
    .option("--priority <n>", "1 is the highest; jobs without one go first", positiveInt("--priority"))
    .addOption(redisOption())
    .option("--json", "print what was added as JSON")
    .action(async (inputs: string[], o) => {
      const store = checkStoreId(o.store);
      const config = loadCameraConfig(o.config);
      const videos = expandVideoInputs(inputs);
      const plan = await planJobs(videos, { store, config, configPath: o.config, settings: { stride: o.stride, model: o.model, ...(o.motionGate ? {} : { motionGate: false as const }) } });
      const r = await withQueue(o.redis, (q) => addJobs(q, plan.jobs, o.priority));
      for (const m of plan.unreadable) process.stderr.write(`smw: warning: ${m} (queued: its job fails with this error; replace the file and run smw queue retry-failed)\n`);
      if (o.json) console.log(JSON.stringify({ added: r.added, alreadyQueued: r.present }));
      else console.log(`${r.added.length} segment${r.added.length === 1 ? "" : "s"} added, ${r.present.length} already queued or done (store ${store}, camera ${config.camera}) -> ${o.redis}`);
    });
}

function statusCommand(): Command {
  return new Command("status")
    .description("per store/camera/date: segments waiting, active (worker, progress), done, failed (with the error); frames/s and ETA")
    .addOption(redisOption())
    .option("--json", "print the status as JSON")
    .action(async (o) => {
      const s = await withQueue(o.redis, queueStatus);
      console.log(o.json ? JSON.stringify(s) : formatStatus(s));
    });
}

function retryCommand(): Command {
  return new Command("retry-failed")
    .description("move every failed job back to waiting (after fixing what failed it)")
    .addOption(redisOption())
    .action(async (o) => {
      const n = await withQueue(o.redis, async (q) => {
        const failed = await q.getFailedCount();
        await q.retryJobs({ state: "failed" });
        return failed;
      });
      console.log(`${n} failed job${n === 1 ? "" : "s"} moved back to waiting`);
    });
}

function drainCommand(): Command {
  return new Command("drain")
    .description("empty the queue: remove every job not started yet (running ones finish); --all also forgets done and failed jobs")
    .addOption(redisOption())
    .option("--all", "also forget done and failed jobs, so adding the same files queues them again (refused while jobs run)")
    .action(async (o) => {
      const removed = await withQueue(o.redis, async (q) => {
        const counts = await q.getJobCounts("waiting", "prioritized", "delayed", "completed", "failed");
        if (o.all && (await q.getActiveCount()) > 0) throw new UserError(`${o.redis}: segments are being analysed; stop the workers first, or drain without --all`);
        if (o.all) await q.obliterate();
        else await q.drain(true);
        return o.all ? Object.values(counts).reduce((a, b) => a + b, 0) : counts.waiting + counts.prioritized + counts.delayed;
      });
      console.log(`${removed} job${removed === 1 ? "" : "s"} removed`);
    });
}

export function queueCommand(): Command {
  const queue = new Command("queue")
    .description("a store's segments as jobs on a BullMQ queue in Redis, for smw worker on any number of machines")
    .addHelpText("after", `
Examples:
  smw redis start
  smw queue add footage/front/ --store demo-store --config footage/front/camera.json
  smw worker --data dataset/ --concurrency 1      # on every machine that sees footage/ and dataset/
  smw queue status
  smw report dataset/`);
  for (const c of [addCommand(), statusCommand(), retryCommand(), drainCommand()]) queue.addCommand(subcommand(c));
  return queue;
}
