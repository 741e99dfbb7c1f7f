import { readFileSync } from 'node:fs';

export interface MachineTimes {
  /** Busy CPU time of the whole machine so far (ms), steal included. */
  busyMs: number;
  /** Of it, the time the host ran something else on the virtual cores (ms). */
  stealMs: number;
}

/** From /proc/stat; null elsewhere. */
export function machineTimes(): MachineTimes | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(0, 9).map(Number);
    const ms = (ticks: number) => (ticks * 1000) / 100; // USER_HZ = 100
    return { busyMs: ms(user + nice + system + irq + softirq + steal), stealMs: ms(steal) };
  } catch {
    return null;
  }
}

/** What the machine did between two readings (ms); null where /proc/stat is missing. */
export function machineElapsed(a: MachineTimes | null, b: MachineTimes | null): MachineTimes | null {
  return a && b ? { busyMs: b.busyMs - a.busyMs, stealMs: Math.max(0, b.stealMs - a.stealMs) } : null;
}

/** CPU time (user + system) a process used between two readings of its cpuUsage (ms). */
export const cpuMs = (x: NodeJS.CpuUsage, y: NodeJS.CpuUsage) => (y.user + y.system - x.user - x.system) / 1000;
