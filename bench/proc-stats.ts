// Reads a process tree's memory, descriptor counts and CPU time from /proc (Linux only). A child may run
// its server in grandchildren (npx, uvicorn workers), so figures cover the whole tree.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';

/** Kilobytes of a `Vm*` line of /proc/PID/status, or 0 when the process is gone. */
function statusKb(pid: number, field: 'VmRSS' | 'VmHWM' | 'RssAnon'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number {
  try {
    // The command name (field 2) may hold spaces and parentheses; the fields after its last ')' are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

/** The process and all its descendants alive now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const ppid = parentOf(pid);
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0 && tree.length < 10_000) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export function treeRssBytes(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + statusKb(pid, 'VmRSS'), 0) * 1024;
}

/**
 * The tree's anonymous resident memory (RssAnon: heaps, native allocations), without the file-backed
 * pages a memory-mapped file such as the LMDB index keeps resident (RssFile: page cache the kernel can
 * reclaim and shares between processes mapping the same file).
 */
export function treeAnonRssBytes(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + statusKb(pid, 'RssAnon'), 0) * 1024;
}

/** Peak resident set of the root process itself, as the kernel tracked it. */
export function peakRssBytes(pid: number): number {
  return statusKb(pid, 'VmHWM') * 1024;
}

export function openFdCount(root: number): number {
  return processTree(root).reduce((sum, pid) => {
    try {
      return sum + readdirSync(`/proc/${pid}/fd`).length;
    } catch {
      return sum;
    }
  }, 0);
}

/** Samples the tree's RSS at an interval and keeps the maximum, so peaks of grandchildren count too. */
export class RssSampler {
  #max = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    // Walking /proc costs the load generator's CPU; the root's own peak (VmHWM) is exact regardless.
    intervalMs = 1_000,
  ) {
    this.sample();
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.#timer.unref();
  }

  sample(): void {
    this.#max = Math.max(this.#max, treeRssBytes(this.pid), peakRssBytes(this.pid));
  }

  stop(): number {
    clearInterval(this.#timer);
    this.sample();
    return this.#max;
  }
}

// CPU time of a process tree. A sample holds, for every process of the tree, utime + stime +
// cutime + cstime from /proc/PID/stat (clock ticks). The children's fields matter: a process of
// the tree that exits and is reaped by its parent moves its whole CPU time into the parent's
// cutime/cstime, so the difference of the two sums counts it exactly once. A process that exits
// unreaped by the tree (orphaned to init) takes its time with it: its share is lost.

export interface CpuSample {
  /** Ticks per process id of the tree at the moment of the sample. */
  ticks: Record<number, number>;
  /** Clock ticks per second (getconf CLK_TCK). */
  clkTck: number;
}

/** utime + stime + cutime + cstime of one /proc/PID/stat line, in clock ticks. */
export function statTicks(stat: string): number {
  // After the command name's last ')' come the fields from 3 (state) on; field n is at index n - 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
}

let clkTck: number | null = null;
export function clockTicksPerSecond(): number {
  if (clkTck === null) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5_000 }).stdout?.trim();
    const n = Number(out);
    clkTck = Number.isFinite(n) && n > 0 ? n : 100;
  }
  return clkTck;
}

export function cpuSample(root: number): CpuSample {
  const ticks: Record<number, number> = {};
  for (const pid of processTree(root)) {
    try {
      ticks[pid] = statTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      // Gone between listing and reading.
    }
  }
  return { ticks, clkTck: clockTicksPerSecond() };
}

/** CPU seconds (user + system) the tree spent between two samples; never negative. */
export function cpuSecondsBetween(start: CpuSample, end: CpuSample): number {
  const sum = (s: CpuSample) => Object.values(s.ticks).reduce((a, b) => a + b, 0);
  return Math.max(0, sum(end) - sum(start)) / end.clkTck;
}

/** CPU seconds per answered call between two samples; null when no call was answered. */
export function cpuPerCall(start: CpuSample, end: CpuSample, calls: number): number | null {
  return calls > 0 ? cpuSecondsBetween(start, end) / calls : null;
}

/** Bytes of all files under a folder (apparent sizes), 0 when it does not exist. */
export function dirBytes(dir: string): number {
  let total = 0;
  const walk = (d: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = `${d}/${e.name}`;
      if (e.isDirectory() && depth < 32) walk(path, depth + 1);
      else if (e.isFile()) {
        try {
          total += statSync(path).size;
        } catch {
          // Removed meanwhile (a rotated segment).
        }
      }
    }
  };
  walk(dir, 0);
  return total;
}
