// server.workers > 1: this process becomes the node:cluster primary. It forks the workers (each runs the
// whole gateway, startGateway, on the one shared port), restarts one that dies, relays what one worker
// tells the others (a policy activation), and on SIGTERM lets every worker drain, then exits after them.
import cluster, { type Worker } from 'node:cluster';

/** Messages between the primary and its workers over the cluster's IPC channel. */
export type WorkerMessage =
  | { type: 'termsgate:listening'; url: string }
  /** Sent by the worker where a policy revision became active; relayed to every other worker, which serves the shared history's last. */
  | { type: 'termsgate:policy' };

export interface Fleet {
  url: string;
  /** Worker processes now running, by slot. */
  pids(): number[];
  /** SIGTERM to every worker (each drains as a single gateway does); resolves once all have exited. */
  shutdown(): Promise<void>;
}

export interface FleetOptions {
  workers: number;
  /** The drain deadline plus a margin: a worker still running after it is killed. */
  stopMs: number;
  log: (line: string) => void;
}

export function isWorkerMessage(m: unknown): m is WorkerMessage {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string' && (m as { type: string }).type.startsWith('termsgate:');
}

/** The slot (1..N) this worker fills, or null in the primary or a single process. */
export function workerSlot(): number | null {
  return cluster.isWorker ? Number(process.env.TERMSGATE_WORKER_SLOT) : null;
}

/**
 * Forks the workers one after another (each builds or loads the policy before the next starts, so their
 * start-ups do not race on the data directory) and resolves once all listen. A worker that dies before it
 * ever listened fails the start (no restart loop on a broken configuration).
 */
export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const slots = new Map<number, Worker>();
  let stopping = false;
  let url = '';

  const fork = (slot: number): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork({ TERMSGATE_WORKER_SLOT: String(slot) });
      let listening = false;
      slots.set(slot, worker);
      worker.on('message', (m: unknown) => {
        if (!isWorkerMessage(m)) return;
        if (m.type === 'termsgate:listening') {
          listening = true;
          url = m.url;
          resolve(worker);
        } else if (m.type === 'termsgate:policy') {
          for (const other of slots.values()) if (other !== worker && other.isConnected()) other.send(m);
        }
      });
      worker.once('exit', (code, signal) => {
        if (slots.get(slot) === worker) slots.delete(slot);
        if (!listening) return reject(new Error(`worker ${slot} exited before it listened (${signal ?? `code ${code}`})`));
        if (stopping) return;
        opts.log(`termsgate: worker ${slot} (pid ${worker.process.pid}) died (${signal ?? `code ${code}`}); starting a replacement`);
        fork(slot).then(
          (next) => opts.log(`termsgate: worker ${slot} replaced (pid ${next.process.pid})`),
          (err: Error) => opts.log(`termsgate: worker ${slot} could not be replaced: ${err.message}`),
        );
      });
    });

  try {
    for (let slot = 1; slot <= opts.workers; slot++) await fork(slot);
  } catch (err) {
    stopping = true;
    for (const w of slots.values()) w.process.kill('SIGKILL');
    throw err;
  }

  return {
    url,
    pids: () => [...slots.values()].map((w) => w.process.pid!),
    async shutdown() {
      stopping = true;
      const exited = [...slots.values()].map((w) => (w.isDead() ? Promise.resolve() : new Promise<void>((done) => w.once('exit', () => done()))));
      const force = setTimeout(() => {
        for (const w of slots.values()) if (!w.isDead()) w.process.kill('SIGKILL');
      }, opts.stopMs);
      for (const w of slots.values()) w.process.kill('SIGTERM');
      await Promise.all(exited);
      clearTimeout(force);
    },
  };
}
