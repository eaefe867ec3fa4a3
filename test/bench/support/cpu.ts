// CPU time spent by a process (user + system), to say where each link's work goes when the cores are the limit.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** Milliseconds of CPU used so far by `pid` (Linux /proc), or NaN where that cannot be read. */
export function cpuMsOf(pid: number): number {
  if (pid === process.pid) {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
  try {
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the whole line)
    return (ticks / ticksPerSecond) * 1000;
  } catch {
    return Number.NaN;
  }
}

/** CPU ms used by each pid while `work` runs. */
export async function cpuDuring<T>(pids: Record<string, number>, work: () => Promise<T>): Promise<{ result: T; cpuMs: Record<string, number> }> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMsOf(pid)]));
  const result = await work();
  const cpuMs = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMsOf(pid) - before[name]!]));
  return { result, cpuMs };
}
