// Reads a process tree's memory and descriptor counts from /proc (Linux only). A child may run
// its server in grandchildren (npx, uvicorn workers), so figures cover the whole tree.
import { readFileSync, readdirSync } from 'node:fs';

/** Kilobytes of a `Vm*` line of /proc/PID/status, or 0 when the process is gone. */
function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
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
