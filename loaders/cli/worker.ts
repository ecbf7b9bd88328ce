// `smw worker`: analyses queued segments into a dataset root until stopped. SIGTERM or Ctrl-C
// hands the running job back to the queue at the next frame boundary (its checkpoint stays in the
// dataset's .incoming folder, so whichever worker takes it next resumes there).
import { Command } from "commander";
import { existsSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { parseRedisUrl, checkRedis } from "../queue/redis.ts";
import { startWorker, workerName } from "../queue/worker.ts";
import { ensureWritableDir } from "../store/out-dir.ts";
import { positiveInt } from "./options.ts";
import { redisOption } from "./queue.ts";

/** How long a stop waits for the running job to reach a frame boundary and go back to the queue. */
const STOP_SECONDS = 30;

export function workerCommand(): Command {
  return new Command("worker")
    .description("analyse queued segments into a dataset root (store=/camera=/date=/segment/) until stopped")
    .requiredOption("--data <root>", "dataset root: a folder every worker machine sees (NFS/SMB share)")
    .option("--concurrency <n>", "segments analysed at once by this process", positiveInt("--concurrency"), 1)
    .option("--threads <n>", "onnxruntime threads per segment", positiveInt("--threads"))
    .option("--lock-seconds <n>", "a dead worker's job is taken up again after about this long", positiveInt("--lock-seconds"), 30)
    .option("--chunk-frames <n>", "analysed frames per checkpoint (work redone at most after a crash)", positiveInt("--chunk-frames"))
    .addOption(redisOption())
    .option("--quiet", "print only errors")
    .addHelpText("after", `
Example (one per machine; stop with SIGTERM or Ctrl-C, the running job goes back to the queue):
  smw worker --data /mnt/store-data --redis redis://queue-host:6379`)
    .action(async (o) => {
      const redis = parseRedisUrl(o.redis);
      await checkRedis(redis);
      const root = resolve(o.data);
      if (!existsSync(root)) mkdirSync(root, { recursive: true });
      ensureWritableDir(root);
      const say = (line: string) => {
        if (!o.quiet || /^failed|Redis/.test(line)) process.stderr.write(`smw worker: ${line}\n`);
      };
      const { worker, stop } = startWorker({
        root, redis, concurrency: o.concurrency, lockSeconds: o.lockSeconds, chunkFrames: o.chunkFrames, threads: o.threads, onEvent: say,
      });
      await worker.waitUntilReady();
      say(`${workerName()} waiting for segments on ${o.redis} -> ${root}`);
      await new Promise<void>((done) => {
        let stopping = false;
        const onSignal = (sig: string) => {
          // a second signal, or Redis away so that closing waits on it: go now; the job's lock
          // expires and another worker takes it up from its checkpoint, as after a crash
          if (stopping) return void process.exit(1);
          stopping = true;
          say(`${sig}: handing back running jobs and stopping`);
          setTimeout(() => {
            say(`could not reach Redis to hand the job back within ${STOP_SECONDS} s: stopping anyway (its lock expires, another worker resumes it)`);
            process.exit(1);
          }, STOP_SECONDS * 1000).unref();
          stop().then(done, done);
        };
        process.on("SIGTERM", () => onSignal("SIGTERM"));
        process.on("SIGINT", () => onSignal("SIGINT"));
      });
    });
}
