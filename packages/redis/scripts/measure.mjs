// Engine-level throughput of the Redis store against the in-memory store, in one run:
// `node scripts/measure.mjs [tasks] [yields]` after `pnpm build` (needs redis-server on PATH).
// Starts its own redis-server on a free port with a temporary directory, and stops it.
// Reports events/s, this process's CPU per event and Redis's CPU per event.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { MemoryTaskStore, TaskRegistry } from "mcpc/engine";
import { createClient } from "@redis/client";
import { redisStore } from "../dist/index.js";

const tasks = Number(process.argv[2] ?? 1_000);
const yields = Number(process.argv[3] ?? 100);

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "mcpc-measure-"));
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir]);
  await new Promise((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (output.includes("Ready to accept connections")) resolve();
    });
    child.once("exit", () => reject(new Error(output)));
  });
  const stop = async () => {
    await new Promise((resolve) => {
      child.once("exit", resolve);
      child.kill("SIGTERM");
    });
    rmSync(dir, { recursive: true, force: true });
  };
  return { url: `redis://127.0.0.1:${port}`, stop };
}

async function redisCpuSeconds(client) {
  const info = await client.sendCommand(["INFO", "cpu"]);
  const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0);
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0);
  return user + sys;
}

async function run(store) {
  const registry = new TaskRegistry({ store, maxRunningPerSession: tasks });
  let ended = 0;
  let done;
  const allDone = new Promise((resolve) => (done = resolve));
  const onEvent = (event) => {
    if (event.event === "complete" && ++ended === tasks) done();
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < tasks; i++) {
    await registry.start({
      owner: `owner-${i % 10}`,
      toolName: "bench",
      onEvent,
      run: async function* () {
        for (let n = 0; n < yields; n++) yield { n };
        return { n: yields };
      },
    });
  }
  await allDone;
  await store.flush?.();
  const seconds = (performance.now() - started) / 1_000;
  const used = process.cpuUsage(cpu);
  await registry.shutdown("measured", 1_000);
  const events = tasks * (yields + 2);
  return { events, seconds, cpuMicrosPerEvent: (used.user + used.system) / events };
}

const redis = await startRedis();
try {
  const client = createClient({ url: redis.url });
  await client.connect();
  const memory = await run(new MemoryTaskStore());
  const store = redisStore({ url: redis.url, maxEventsPerTask: yields + 10 });
  await store.ready();
  const redisBefore = await redisCpuSeconds(client);
  const onRedis = await run(store);
  const redisCpu = (await redisCpuSeconds(client)) - redisBefore;
  const info = await client.sendCommand(["INFO", "commandstats"]);
  const execs = Number(/cmdstat_exec:calls=(\d+)/.exec(info)?.[1] ?? 0);
  await store.close();
  await client.close();
  const line = (name, r) =>
    `${name.padEnd(8)} ${r.events} events in ${r.seconds.toFixed(2)} s: ${Math.round(r.events / r.seconds).toLocaleString("en")} events/s, ` +
    `${r.cpuMicrosPerEvent.toFixed(1)} µs server CPU per event`;
  console.log(`${tasks} tasks × ${yields} yields (+ created, complete each)`);
  console.log(line("memory", memory));
  console.log(line("redis", onRedis));
  console.log(`redis    ${execs} transactions (${(onRedis.events / execs).toFixed(0)} events each), redis-server CPU ${((redisCpu * 1e6) / onRedis.events).toFixed(1)} µs per event`);
} finally {
  await redis.stop();
}
