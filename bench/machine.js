// What the bench reports about the machine it ran on (shared by run.js and neural.js).
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The CPU's model name (from /proc/cpuinfo where there is one). */
export function cpuModel() {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)[1];
  } catch {
    return os.cpus()[0]?.model ?? 'unknown CPU';
  }
}

/** The 1-, 5- and 15-minute load averages, as printed in the reports. */
export function loadAverage() {
  return os.loadavg().map((x) => x.toFixed(2)).join(' ');
}
