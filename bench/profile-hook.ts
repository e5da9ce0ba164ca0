// Preloaded into the API server by `BENCH_PROFILE=dir pnpm bench:http`: the first SIGUSR2 starts
// the V8 CPU profiler, the second writes the profile (so only the measured phase is profiled).
import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";
import path from "node:path";

const session = new Session();
session.connect();
let running = false;
process.on("SIGUSR2", () => {
  void (async () => {
    if (!running) {
      running = true;
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 200 });
      await session.post("Profiler.start");
      return;
    }
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(path.join(process.env.BENCH_PROFILE!, `api-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    running = false;
  })();
});
