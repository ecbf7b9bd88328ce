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
        const onSignal = (sig: string) => {
          say(`${sig}: handing back running jobs and stopping`);
          stop().then(done, done);
        };
        process.once("SIGTERM", () => onSignal("SIGTERM"));
        process.once("SIGINT", () => onSignal("SIGINT"));
      });
    });
}
