// `smw watch`: a live input recorded in rolling segments, each analysed by the segment recipe as
// it finishes.
import { Command, Option } from "commander";
import { UserError } from "../errors.ts";
import { loadAlertRules, runAlerts } from "../ops/alerts.ts";
import { CREDENTIAL_ENV, redactCredentials, urlHasPassword } from "../ops/live-input.ts";
import { watch } from "../ops/watch.ts";
import { loadCamera } from "../pipeline/segment.ts";
import { classList, positiveInt } from "./options.ts";

export function watchCommand(): Command {
  return new Command("watch")
    .description("record a live input (RTSP/HTTP camera, webcam, or a file played in real time) in rolling segments and analyse each as it finishes")
    .argument("<input>", "rtsp://..., http://..., /dev/video0, or a video file")
    .requiredOption("--out <dir>", "output folder: segments/ and one run folder per segment")
    .option("--segment <seconds>", "segment length", positiveInt("--segment"), 60)
    .option("--duration <seconds>", "stop after this long", positiveInt("--duration"))
    .option("--until <HH:MM>", "stop at this local time")
    .option("--config <camera.json>", "camera config: lines and zones analysed per segment")
    .option("--rules <rules.json>", "occupancy alert rules checked on every segment")
    .option("--stride <n>", "analyse every Nth frame", positiveInt("--stride"), 1)
    .option("--classes <names>", "COCO classes to detect and track, comma-separated (default: the camera config's, else person)", classList)
    .addOption(new Option("--snapshots <mode>", "stills of each segment's line crossings, display-zone entries and alerts: people blurred, also raw, or none").choices(["blurred", "raw", "none"]).default("blurred"))
    .addOption(new Option("--rtsp-transport <how>", "RTSP over tcp or udp (default: tcp, falling back to udp when the camera refuses tcp)").choices(["tcp", "udp"]))
    .addHelpText("after", `
The camera's user and password come from the environment (${CREDENTIAL_ENV.user}, ${CREDENTIAL_ENV.password}),
never from a file: they are put into the URL for ffmpeg and left out of every log and file smw writes.

Examples:
  ${CREDENTIAL_ENV.user}=viewer ${CREDENTIAL_ENV.password}=... smw watch rtsp://192.0.2.10:554/Streaming/Channels/101 --out runs/live --segment 300 --until 21:00
  smw watch http://192.0.2.11/mjpg/video.mjpg --out runs/door --duration 3600
  smw watch /dev/video0 --out runs/webcam --duration 600 --rules alerts.json`)
    .action(async (input: string, o) => {
      const camera = o.config ? loadCamera(o.config) : undefined;
      const rules = o.rules ? loadAlertRules(o.rules) : undefined;
      if (urlHasPassword(input)) process.stderr.write(`smw: warning: the camera URL carries a password, which other users of this machine can see in the process list; set ${CREDENTIAL_ENV.user} and ${CREDENTIAL_ENV.password} instead\n`);
      const stop = new AbortController();
      process.once("SIGINT", () => stop.abort());
      const r = await watch({
        input, out: o.out, segmentSeconds: o.segment, durationSeconds: o.duration, until: o.until, signal: stop.signal, transport: o.rtspTransport,
        analyze: (seg) => ({ stride: o.stride, classes: o.classes, snapshots: o.snapshots, config: camera, segment: { name: seg.name, start: seg.start } }),
        log: (line) => process.stderr.write(`${line}\n`),
        onSegment: async (seg) => {
          if (seg.error) return void process.stderr.write(`smw: warning: segment ${seg.name}: ${seg.error}\n`);
          if (rules) await runAlerts({ runDir: seg.runDir, rules });
          console.log(`${seg.name}: ${seg.summary?.framesAnalysed ?? 0} frames, ${seg.summary?.tracks ?? 0} tracks -> ${seg.runDir}`);
        },
      });
      const gaps = r.gaps.length ? `, ${r.gaps.length} gap${r.gaps.length > 1 ? "s" : ""} without pictures (${r.gaps.reduce((t, g) => t + g.seconds, 0).toFixed(0)} s; see ${o.out}/gaps.jsonl)` : "";
      console.log(`stopped (${r.stoppedBy}) after ${r.segments.length} segments${gaps}`);
      if (r.stoppedBy === "input-failed") throw new UserError(`${redactCredentials(input)}: the input failed; check the URL or device and that the camera is reachable`);
    });
}
