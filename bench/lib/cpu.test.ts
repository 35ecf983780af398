import { describe, expect, it } from 'vitest';
import { cpuMeter, cpuSeconds, ownCpuMeter } from './cpu.ts';

describe('cpu', () => {
  it('counts the CPU a process burns', () => {
    const meter = cpuMeter(process.pid);
    const before = cpuSeconds(process.pid);
    // Burn until the kernel has counted 0.1 s (reading /proc is work too), however busy the machine.
    while (cpuSeconds(process.pid) - before < 0.1);
    expect(meter.stop(1000)).toBeGreaterThanOrEqual(100); // >= 0.1 s over 1000 items = 100 µs each
  });

  it('counts the CPU this process burns, in microseconds', () => {
    const meter = ownCpuMeter();
    const before = process.cpuUsage();
    const spent = () => {
      const used = process.cpuUsage(before);
      return used.user + used.system;
    };
    while (spent() < 20_000); // 20 ms of CPU, however busy the machine
    expect(meter.stop(100)).toBeGreaterThanOrEqual(200); // >= 20 ms over 100 items = 200 µs each
  });

  it('is NaN for a process that does not exist', () => {
    expect(cpuSeconds(2 ** 22 + 1)).toBeNaN();
  });
});
