/** Reads a child's CPU time and peak memory from /proc (Linux). */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

let clkTck: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat (`getconf CLK_TCK`, usually 100). */
export function clockTicks(): number {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/**
 * CPU time of a process so far, in microseconds: the sum over its threads of
 * `/proc/<pid>/task/<tid>/schedstat` (time on a CPU, in nanoseconds). utime +
 * stime from `/proc/<pid>/stat` count 10 ms ticks, a ±7 % step on a 140 ms
 * measurement; they are the fallback where schedstat is missing.
 */
export function cpuMicros(pid: number): number {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // The thread ended between the listing and the read.
      }
    }
    if (ns > 0) return ns / 1_000;
  } catch {
    // No schedstat (or no such process): use the tick counts.
  }
  return tickCpuMicros(pid);
}

/** utime + stime of a process, in microseconds (resolution 1/CLK_TCK s). */
export function tickCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // fields 14 and 15 of proc(5)
  return (ticks * 1e6) / clockTicks();
}

/** Peak resident set size (VmHWM) of a process, in MiB. */
export function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}
