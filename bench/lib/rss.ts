// Resident memory of a child process, read from /proc (Linux) without disturbing it.
import { readFileSync } from 'node:fs';

export interface RssSummary {
  firstMb: number;
  maxMb: number;
  lastMb: number;
  samples: number;
}

/** The process's resident set size in MB, or undefined once it is gone. */
export function readRssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Samples a pid's RSS every `intervalMs` until `stop()`, which returns the summary. */
export function sampleRss(pid: number, intervalMs = 200): { stop(): RssSummary } {
  const values: number[] = [];
  const take = (): void => {
    const mb = readRssMb(pid);
    if (mb !== undefined) values.push(mb);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return {
        firstMb: values[0] ?? Number.NaN,
        maxMb: Math.max(...values),
        lastMb: values.at(-1) ?? Number.NaN,
        samples: values.length,
      };
    },
  };
}
