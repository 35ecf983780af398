// CPU time a child process used, from /proc: on a shared machine, CPU per request is a much
// steadier measure of efficiency than requests per second, which other load moves around.
import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/stat counts in these ticks (100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds the process used so far; NaN once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** A running count: `stop(n)` gives the CPU microseconds per item for `n` items since `start`. */
export function cpuMeter(pid: number): { stop(items: number): number } {
  const started = cpuSeconds(pid);
  return { stop: (items) => ((cpuSeconds(pid) - started) * 1e6) / items };
}

/**
 * `cpuMeter` for this process, from `process.cpuUsage()` (microseconds, where /proc counts 10 ms
 * ticks): for work measured in-process, runs of a tenth of a second.
 */
export function ownCpuMeter(): { stop(items: number): number } {
  const started = process.cpuUsage();
  return {
    stop: (items) => {
      const used = process.cpuUsage(started);
      return (used.user + used.system) / items;
    },
  };
}
