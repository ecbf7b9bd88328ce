// The producer side: the BullMQ queue that `smw queue add/status/retry-failed/drain` talk to.
// Retries with exponential backoff and priorities are BullMQ's job options.
import { Queue } from "bullmq";
import { QUEUE_NAME, segmentJobId, type SegmentJobData, type SegmentJobResult } from "./jobs.ts";
import { checkRedis, connectionOptions, type RedisTarget } from "./redis.ts";

export type SegmentQueue = Queue<SegmentJobData, SegmentJobResult>;

/** An internal error (not bad input) is tried this often, waiting 10 s, 20 s, ... in between. */
export const ATTEMPTS = 3;
export const BACKOFF_MS = 10_000;
/** Done jobs are kept 30 days (a store's few thousand segments a day fit in Redis); after that a re-add runs the job again and finds its segment done. */
export const DONE_KEPT_SECONDS = 30 * 24 * 3600;

/** The queue, after checking Redis answers (else the one-line "cannot reach Redis" error, exit 2). */
export async function openQueue(redis: RedisTarget): Promise<SegmentQueue> {
  await checkRedis(redis);
  const queue = new Queue<SegmentJobData, SegmentJobResult>(QUEUE_NAME, {
    connection: connectionOptions(redis),
    defaultJobOptions: {
      attempts: ATTEMPTS, backoff: { type: "exponential", delay: BACKOFF_MS },
      // done jobs are what makes a second add of the same files add nothing (and what status and the bench read)
      removeOnComplete: { age: DONE_KEPT_SECONDS }, removeOnFail: false,
    },
  });
  queue.on("error", () => {}); // a short-lived command: checkRedis already said what matters
  return queue;
}

/**
 * Adds the jobs whose ids the queue does not hold yet (waiting, active, done or failed alike), so
 * adding the same files again adds nothing. Returns the ids added and the ids already there.
 */
export async function addJobs(queue: SegmentQueue, jobs: SegmentJobData[], priority?: number): Promise<{ added: string[]; present: string[] }> {
  const added: string[] = [];
  const present: string[] = [];
  for (const data of jobs) {
    const jobId = segmentJobId(data);
    if (await queue.getJob(jobId)) {
      present.push(jobId);
      continue;
    }
    // BullMQ also ignores an add whose id exists (two `queue add` at once): the check above is for the count
    await queue.add("segment", data, { jobId, ...(priority ? { priority } : {}) });
    added.push(jobId);
  }
  return { added, present };
}
