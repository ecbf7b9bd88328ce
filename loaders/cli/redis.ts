// `smw redis start|stop`: Debian's redis-server for a single machine, with its own folder and
// append-only persistence (a restart loses no job). Several machines: run Redis once, on one of them.
import { Command } from "commander";
import { defaultRedisDir, parseRedisUrl, startRedis, stopRedis } from "../queue/redis.ts";
import { positiveInt } from "./options.ts";
import { subcommand } from "./queue.ts";

export function redisCommand(): Command {
  const redis = new Command("redis").description("start or stop a local redis-server for the queue (persistence on)");
  redis.addCommand(subcommand(new Command("start")
    .description("start redis-server in the background (nothing to do when one answers on the port)")
    .option("--port <n>", "port", positiveInt("--port"), 6379)
    .option("--dir <folder>", "folder for its data, log and pid file (default ~/.local/state/smw/redis-<port>)")
    .action(async (o) => {
      const r = await startRedis(o.port, o.dir ?? defaultRedisDir(o.port));
      console.log(r.started ? `redis-server started on 127.0.0.1:${o.port} (data, log: ${r.dir})` : `Redis already answers on 127.0.0.1:${o.port}`);
    })));
  redis.addCommand(subcommand(new Command("stop")
    .description("save and shut down the redis-server on the port")
    .option("--port <n>", "port", positiveInt("--port"), 6379)
    .action(async (o) => {
      const stopped = await stopRedis(parseRedisUrl(`redis://127.0.0.1:${o.port}`));
      console.log(stopped ? `redis-server on port ${o.port} saved and stopped` : `no Redis answers on port ${o.port}`);
    })));
  return redis;
}
