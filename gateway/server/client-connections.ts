// How many client connections the gateway holds at once: each is a file descriptor, and the audit log,
// the provider pools and PostgreSQL need descriptors too, so the cap leaves a reserve under RLIMIT_NOFILE.
import { readFileSync } from 'node:fs';

/** Descriptors kept for everything that is not a client connection: a quarter of the limit, at least 256. */
export function descriptorReserve(nofile: number): number {
  return Math.max(256, Math.ceil(nofile / 4));
}

/** The soft RLIMIT_NOFILE of this process; Node has no getrlimit, Linux states it in /proc/self/limits. */
export function openFileLimit(read: () => string = () => readFileSync('/proc/self/limits', 'utf8')): number | undefined {
  try {
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(read())?.[1];
    return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}

/**
 * limits.clientConnections when set, else the limit less its reserve (10,000 at most; 4,096 where the limit
 * is unknown). A configured value that leaves no reserve is refused: the gateway would starve its own files.
 */
export function clientConnectionCap(configured: number | undefined, nofile: number | undefined): number {
  if (nofile === undefined) return configured ?? 4_096;
  const room = nofile - descriptorReserve(nofile);
  if (room < 1) throw new Error(`the open-file limit (${nofile}) leaves no room for client connections; raise ulimit -n`);
  if (configured === undefined) return Math.min(10_000, room);
  if (configured > room) {
    throw new Error(`limits.clientConnections ${configured} leaves too few of the ${nofile} open files (ulimit -n) for the audit log, providers and database; at most ${room}`);
  }
  return configured;
}
