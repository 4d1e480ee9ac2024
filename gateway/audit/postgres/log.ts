// The PostgreSQL audit backend for several gateway replicas (the Trillian pattern): any replica
// inserts records into audit_pending; one sequencer, the holder of a session advisory lock, numbers
// them, integrates them into the stored tree and signs checkpoints. When its connection dies the lock
// is released and another replica's sequencer takes over from the committed state.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Config } from '../../config/types.js';
import type { AuditRecord, CallContent } from '../../core/contracts.js';
import { indexFields } from '../../core/record-kind.js';
import type { CheckpointSigner } from '../../signing/checkpoint-signer.js';
import type { AuditLog, ConsistencyProof, InclusionProof, StoredEntry } from '../audit-log.js';
import { canonicalJson, canonicalOf } from '../../core/canonical-json.js';
import { openCheckpoint, signCheckpoint, verifierKey, type SignedCheckpoint } from '../../tlog/checkpoint.js';
import { contentStage, recordWithDigests } from '../record-content.js';
import { recordMatcher, type RecordFilter } from '../filter.js';
import { decodeLeaf, encodeLeaf, type LogEntry } from '../../tlog/leaf.js';
import { consistencyProof, Frontier, HASH_SIZE, inclusionProof, leafHash, rangeSubtrees, treeRoot, type HashReader, type StoredNode } from '../../tlog/merkle.js';
import { PG_SCHEMA_SQL } from './schema.js';
import { BatchQueue } from '../../core/batch-queue.js';
import { InFlight } from '../../core/in-flight.js';

export interface PgAuditLogOptions {
  url: string;
  audit: Config['audit'];
  /** Signs checkpoints and export manifests. */
  keys: CheckpointSigner;
  /** Schema holding the tables (tests use one each); default public. */
  schema?: string;
  /** Take part in sequencer election (false for read-only tools). */
  sequencer?: boolean;
  /** How often a follower tries to become the sequencer. */
  leaderPollMs?: number;
  onError?: (err: Error) => void;
}

const ZERO = Buffer.alloc(HASH_SIZE);

/** The advisory lock (a bigint, as text) whose holder is the sequencer of `schema`'s tables. */
export function sequencerLockKey(schema: string): string {
  return createHash('sha256').update(`termsgate-audit-sequencer:${schema}`).digest().readBigInt64BE(0).toString();
}
const BATCH = 5000;

/** Runs `fn` over a tree whose nodes are fetched first: a dry run with a recording reader names them. */
async function withNodes<T>(db: pg.Pool | pg.ClientBase, fn: (read: HashReader) => T): Promise<T> {
  const wanted = new Map<string, [number, number]>();
  fn((level, index) => {
    wanted.set(`${level}/${index}`, [level, index]);
    return ZERO;
  });
  const nodes = new Map<string, Buffer>();
  if (wanted.size > 0) {
    const keys = [...wanted.values()];
    const { rows } = await db.query<{ level: number; idx: string; hash: Buffer }>(
      'select level, idx, hash from audit_tree where (level, idx) in (select * from unnest($1::int[], $2::bigint[]))',
      [keys.map((k) => k[0]), keys.map((k) => k[1])],
    );
    for (const r of rows) nodes.set(`${r.level}/${r.idx}`, r.hash);
  }
  return fn((level, index) => {
    const h = nodes.get(`${level}/${index}`);
    if (!h) throw new Error(`audit tree node ${level}/${index} is missing`);
    return h;
  });
}

type Appended = { seq: number; durable: Promise<void> };

interface Waiter {
  id: number;
  resolve: (r: Appended) => void;
  reject: (err: Error) => void;
}

export class PgAuditLog implements AuditLog {
  readonly origin: string;
  readonly verifierKey: string;
  readonly #opts: PgAuditLogOptions;
  readonly #pool: pg.Pool;
  readonly #lockKey: string;
  #listener: pg.Client | null = null;
  #leader: pg.Client | null = null;
  #frontier: Frontier | null = null;
  readonly #inserts = new BatchQueue<string, number>({ write: (records) => this.#insertPending(records) });
  readonly #withContent = contentStage((v) => this.#putContent(v));
  readonly #inserting = new InFlight();
  #waiters = new Map<number, Waiter>();
  #integratedUpTo = 0;
  #pollTimer: NodeJS.Timeout | null = null;
  #sequenceTimer: NodeJS.Timeout | null = null;
  #checkpointTimer: NodeJS.Timeout | null = null;
  #sequencing: Promise<void> | null = null;
  /** The attempt to lead in flight: close waits for it, or its timer would outlive the log. */
  #leading: Promise<void> | null = null;
  #closed = false;

  private constructor(opts: PgAuditLogOptions, pool: pg.Pool) {
    this.#opts = opts;
    this.#pool = pool;
    this.origin = opts.audit.origin;
    this.verifierKey = verifierKey(opts.audit.origin, opts.keys.publicKeyRaw);
    this.#lockKey = sequencerLockKey(opts.schema ?? 'public');
  }

  static async open(opts: PgAuditLogOptions): Promise<PgAuditLog> {
    const schema = opts.schema ?? 'public';
    const options = `-c search_path=${schema}`;
    const pool = new pg.Pool({ connectionString: opts.url, max: 8, options });
    pool.on('error', (err) => opts.onError?.(err));
    const log = new PgAuditLog(opts, pool);
    const c = await pool.connect();
    try {
      await c.query('begin');
      await c.query('select pg_advisory_xact_lock(4242)');
      await c.query(`create schema if not exists "${schema.replace(/"/g, '')}"`);
      await c.query(PG_SCHEMA_SQL);
      await c.query('commit');
    } catch (err) {
      await c.query('rollback');
      throw err;
    } finally {
      c.release();
    }
    log.#listener = new pg.Client({ connectionString: opts.url, options });
    log.#listener.on('error', (err) => opts.onError?.(err));
    await log.#listener.connect();
    log.#listener.on('notification', (n) => {
      if (n.channel === 'audit_integrated') log.#onIntegrated(Number(n.payload));
    });
    await log.#listener.query('listen audit_integrated');
    if (opts.sequencer ?? true) {
      const poll = opts.leaderPollMs ?? 250;
      log.#pollTimer = setInterval(() => void log.#lead(), poll);
      await log.#lead();
    }
    if ((opts.sequencer ?? true) && opts.audit.checkpointIntervalMs > 0) {
      log.#checkpointTimer = setInterval(() => {
        if (log.#leader) log.checkpoint().catch((err: Error) => opts.onError?.(err));
      }, opts.audit.checkpointIntervalMs);
    }
    return log;
  }

  /** True while this instance is the sequencer. */
  get isSequencer(): boolean {
    return this.#leader !== null;
  }

  #lead(): Promise<void> {
    this.#leading ??= this.#tryLead().finally(() => {
      this.#leading = null;
    });
    return this.#leading;
  }

  async #tryLead(): Promise<void> {
    if (this.#leader || this.#closed) return;
    const client = new pg.Client({ connectionString: this.#opts.url, options: `-c search_path=${this.#opts.schema ?? 'public'}` });
    try {
      await client.connect();
      const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [this.#lockKey]);
      if (!rows[0].ok || this.#closed) {
        await client.end();
        return;
      }
    } catch (err) {
      this.#opts.onError?.(err as Error);
      await client.end().catch(() => undefined);
      return;
    }
    client.on('error', (err) => this.#loseLead(err));
    client.on('notification', () => this.#kickSequencer());
    this.#leader = client;
    try {
      // Resume from the committed tree: whatever a dead sequencer had not committed is still pending.
      const size = await this.#committedSize(client);
      const frontier = await withNodes(client, (read) => Frontier.fromStore(read, size));
      // The session may have died while it resumed: then the lead is already lost, and stays so.
      if (this.#leader !== client) return;
      this.#frontier = frontier;
      await client.query('listen audit_pending');
      if (this.#leader !== client || this.#closed) return;
      this.#sequenceTimer = setInterval(() => this.#kickSequencer(), 50);
      this.#kickSequencer();
    } catch (err) {
      // The session died while it resumed (killed, network): give the lead up; another replica, or this one's next poll, takes it.
      this.#loseLead(err as Error);
    }
  }

  #loseLead(err: Error): void {
    if (this.#leader === null) return;
    this.#opts.onError?.(err);
    const client = this.#leader;
    this.#leader = null;
    this.#frontier = null;
    if (this.#sequenceTimer) clearInterval(this.#sequenceTimer);
    void client.end().catch(() => undefined);
  }

  async #committedSize(db: pg.ClientBase | pg.Pool): Promise<number> {
    const { rows } = await db.query<{ n: string }>('select coalesce(max(seq) + 1, 0) as n from audit_leaves');
    return Number(rows[0].n);
  }

  #kickSequencer(): void {
    if (!this.#leader || this.#sequencing) return;
    this.#sequencing = (async () => {
      try {
        while (this.#leader && (await this.#integrateBatch(this.#leader)) === BATCH);
      } catch (err) {
        this.#loseLead(err as Error);
      } finally {
        this.#sequencing = null;
      }
    })();
  }

  /** Numbers and integrates one batch of pending records in one transaction; returns how many. */
  async #integrateBatch(db: pg.Client): Promise<number> {
    await db.query('begin');
    try {
      const { rows } = await db.query<{ id: string; record: string }>('select id, record from audit_pending order by id limit $1', [BATCH]);
      if (rows.length === 0) {
        await db.query('commit');
        return 0;
      }
      const frontier = this.#frontier!;
      const first = frontier.size;
      const seqs: number[] = [];
      const ids: string[] = [];
      const leaves: Buffer[] = [];
      const times: string[] = [];
      const teams: string[] = [];
      const models: (string | null)[] = [];
      const decisions: string[] = [];
      const nodes: StoredNode[] = [];
      rows.forEach((row, i) => {
        const record = JSON.parse(row.record) as AuditRecord;
        const index = indexFields(record);
        const leaf = encodeLeaf(first + i, record);
        seqs.push(first + i);
        ids.push(row.id);
        leaves.push(leaf);
        times.push(record.time);
        teams.push(index.team);
        models.push(index.model);
        decisions.push(index.decision);
        nodes.push(...frontier.append(leafHash(leaf)));
      });
      await db.query(
        `insert into audit_leaves (seq, pending_id, leaf, time, team, model, decision)
         select * from unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::timestamptz[], $5::text[], $6::text[], $7::text[])`,
        [seqs, ids, leaves, times, teams, models, decisions],
      );
      await db.query('insert into audit_tree (level, idx, hash) select * from unnest($1::int[], $2::bigint[], $3::bytea[])', [
        nodes.map((n) => n.level),
        nodes.map((n) => n.index),
        nodes.map((n) => n.hash),
      ]);
      await db.query('delete from audit_pending where id = any($1::bigint[])', [ids]);
      await db.query('select pg_notify($1, $2)', ['audit_integrated', ids[ids.length - 1]]);
      await db.query('commit');
      return rows.length;
    } catch (err) {
      await db.query('rollback').catch(() => undefined);
      // The frontier advanced in memory: the caller gives up the lead, and the next leader rebuilds from what is committed.
      throw err;
    }
  }

  #onIntegrated(upToId: number): void {
    if (upToId > this.#integratedUpTo) this.#integratedUpTo = upToId;
    void this.#resolveWaiters();
  }

  async #resolveWaiters(): Promise<void> {
    const ready = [...this.#waiters.values()].filter((w) => w.id <= this.#integratedUpTo);
    if (ready.length === 0) return;
    for (const w of ready) this.#waiters.delete(w.id);
    try {
      const { rows } = await this.#pool.query<{ seq: string; pending_id: string }>('select seq, pending_id from audit_leaves where pending_id = any($1::bigint[])', [ready.map((w) => w.id)]);
      const seqOf = new Map(rows.map((r) => [Number(r.pending_id), Number(r.seq)]));
      for (const w of ready) {
        const seq = seqOf.get(w.id);
        if (seq === undefined) this.#waiters.set(w.id, w);
        else w.resolve({ seq, durable: Promise.resolve() });
      }
    } catch (err) {
      for (const w of ready) w.reject(err as Error);
    }
  }

  /**
   * Inserts the record (committed, so durable, when the insert returns) and resolves with its
   * sequence number once the sequencer has integrated it; `durable` is already settled.
   */
  append(record: AuditRecord, content?: CallContent): Promise<Appended> {
    if (this.#closed) return Promise.reject(new Error('audit log is closed'));
    const stored = content?.digestOnly ? Promise.resolve(recordWithDigests(record, content)) : content ? this.#withContent.push({ record, content }) : Promise.resolve(record);
    const inserted = this.#inserting.track(stored.then((r) => this.#inserts.push(canonicalJson(r))));
    return inserted.then((id) => this.#sequenced(id));
  }

  /** Inserts a batch into audit_pending in one statement; resolves with the pending ids in order. */
  async #insertPending(records: string[]): Promise<number[]> {
    const { rows } = await this.#pool.query<{ id: string }>(
      `with ins as (insert into audit_pending (record) select t.record from unnest($1::text[]) with ordinality as t(record, n) order by t.n returning id)
       select id from ins order by id`,
      [records],
    );
    void this.#pool.query("select pg_notify('audit_pending', '')").catch(() => undefined);
    return rows.map((row) => Number(row.id));
  }

  #sequenced(id: number): Promise<Appended> {
    const sequenced = new Promise<Appended>((resolve, reject) => this.#waiters.set(id, { id, resolve, reject }));
    this.#ensureWaiterPoll();
    // Its notification may have come before the insert's answer.
    if (id <= this.#integratedUpTo) void this.#resolveWaiters();
    return sequenced;
  }

  /** A missed notification must not strand a waiter: poll while any wait. */
  #waiterPoll: NodeJS.Timeout | null = null;
  #ensureWaiterPoll(): void {
    if (this.#waiterPoll) return;
    this.#waiterPoll = setInterval(async () => {
      if (this.#waiters.size === 0) return;
      try {
        const { rows } = await this.#pool.query<{ id: string | null }>('select max(pending_id) as id from audit_leaves');
        if (rows[0].id !== null) this.#onIntegrated(Number(rows[0].id));
      } catch (err) {
        this.#opts.onError?.(err as Error);
      }
    }, 200);
  }

  async #putContent(value: unknown): Promise<string> {
    const { text: body, digest } = canonicalOf(value);
    // Content stored already is stamped again when over an hour old: retention reads its age from stored_at,
    // and the content of a new call must live as long as that call's record (less at most an hour), not be
    // purged with an older call's that said the same; repeated content costs no row update within the hour.
    await this.#pool.query(
      "insert into audit_content (digest, body) values ($1, $2) on conflict (digest) do update set stored_at = now() where audit_content.stored_at < now() - interval '1 hour'",
      [digest, body],
    );
    return digest;
  }

  signExport(data: Uint8Array): Buffer | Promise<Buffer> {
    return this.#opts.keys.sign(data);
  }

  async size(): Promise<number> {
    return this.#committedSize(this.#pool);
  }

  async checkpoint(): Promise<SignedCheckpoint> {
    const c = await this.#pool.connect();
    try {
      await c.query('begin isolation level repeatable read');
      const size = await this.#committedSize(c);
      const root = await withNodes(c, (read) => treeRoot(read, size));
      const cp = await signCheckpoint({ origin: this.origin, size, root, time: new Date().toISOString() }, this.#opts.keys.publicKeyRaw, (d) => this.#opts.keys.sign(d));
      await c.query('insert into audit_checkpoints (size, note) values ($1, $2)', [size, cp.note]);
      await c.query('commit');
      return cp;
    } catch (err) {
      await c.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  async latestCheckpoint(): Promise<SignedCheckpoint | null> {
    const { rows } = await this.#pool.query<{ note: string }>('select note from audit_checkpoints order by size desc, id desc limit 1');
    return rows[0] ? openCheckpoint(rows[0].note, this.verifierKey) : null;
  }

  async #checkSize(treeSize: number): Promise<void> {
    const size = await this.size();
    if (!(Number.isSafeInteger(treeSize) && treeSize >= 0 && treeSize <= size)) throw new RangeError(`tree size ${treeSize} is beyond the log (size ${size})`);
  }

  async root(treeSize: number): Promise<Buffer> {
    await this.#checkSize(treeSize);
    return withNodes(this.#pool, (read) => treeRoot(read, treeSize));
  }

  async inclusionProof(seq: number, treeSize?: number): Promise<InclusionProof> {
    const size = treeSize ?? (await this.size());
    await this.#checkSize(size);
    const [proof] = await this.inclusionProofs([seq], size);
    const { leaf, root } = await withNodes(this.#pool, (read) => ({ leaf: read(0, seq), root: treeRoot(read, size) }));
    return { seq, treeSize: size, leafHash: leaf.toString('base64'), proof: proof.map((h) => h.toString('base64')), root: root.toString('base64') };
  }

  async inclusionProofs(seqs: number[], treeSize: number): Promise<Buffer[][]> {
    return withNodes(this.#pool, (read) => {
      const memo = new Map<string, Buffer>();
      return seqs.map((s) => inclusionProof(read, s, treeSize, memo));
    });
  }

  async consistencyProof(from: number, to: number): Promise<ConsistencyProof> {
    await this.#checkSize(to);
    const r = await withNodes(this.#pool, (read) => ({ proof: consistencyProof(read, from, to), fromRoot: treeRoot(read, from), toRoot: treeRoot(read, to) }));
    return { from, to, proof: r.proof.map((h) => h.toString('base64')), fromRoot: r.fromRoot.toString('base64'), toRoot: r.toRoot.toString('base64') };
  }

  async rangeHashes(start: number, end: number): Promise<Buffer[]> {
    await this.#checkSize(end);
    return withNodes(this.#pool, (read) => rangeSubtrees(start, end).map(({ level, index }) => read(level, index)));
  }

  async get(seq: number): Promise<LogEntry | null> {
    const { rows } = await this.#pool.query<{ leaf: Buffer }>('select leaf from audit_leaves where seq = $1', [seq]);
    return rows[0] ? decodeLeaf(rows[0].leaf) : null;
  }

  async *query(filter: RecordFilter = {}): AsyncGenerator<StoredEntry> {
    const match = recordMatcher(filter);
    let from = filter.fromSeq ?? 0;
    const to = filter.toSeq ?? Number.MAX_SAFE_INTEGER;
    let left = filter.limit ?? Infinity;
    while (left > 0) {
      // Keyset pages; the indexed columns narrow the scan, the matcher decides.
      const { rows } = await this.#pool.query<{ seq: string; leaf: Buffer }>(
        `select seq, leaf from audit_leaves where seq >= $1 and seq < $2
           and ($3::text is null or team = $3) and ($4::text is null or model = $4) and ($5::text is null or decision = $5)
           and ($6::timestamptz is null or time >= $6) and ($7::timestamptz is null or time < $7)
         order by seq limit 1000`,
        [from, to, filter.team ?? null, filter.model ?? null, filter.decision ?? null, filter.from ?? null, filter.to ?? null],
      );
      if (rows.length === 0) return;
      for (const row of rows) {
        const entry = decodeLeaf(row.leaf);
        if (!match(entry.record)) continue;
        yield { ...entry, leaf: row.leaf };
        if (--left <= 0) return;
      }
      from = Number(rows[rows.length - 1].seq) + 1;
    }
  }

  async content(digest: string): Promise<unknown | null> {
    const { rows } = await this.#pool.query<{ body: string }>('select body from audit_content where digest = $1', [digest]);
    return rows[0] ? (JSON.parse(rows[0].body) as unknown) : null;
  }

  async purgeContent(cutoff: Date): Promise<number> {
    const r = await this.#pool.query('delete from audit_content where stored_at < $1', [cutoff]);
    return r.rowCount ?? 0;
  }

  /** Test hook and operator aid: drops the sequencer connection as a crash would. */
  async abandonLeadership(): Promise<void> {
    const client = this.#leader;
    if (!client) return;
    if (this.#pollTimer) clearInterval(this.#pollTimer);
    this.#pollTimer = null;
    this.#loseLead(new Error('leadership abandoned'));
    await this.#sequencing;
    await client.end().catch(() => undefined);
  }

  async #finalCheckpoint(): Promise<void> {
    const latest = await this.latestCheckpoint();
    if ((await this.size()) > (latest?.size ?? 0)) await this.checkpoint();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#inserting.settled();
    const deadline = Date.now() + 5000;
    while (this.#waiters.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.#closed = true;
    await this.#leading;
    for (const t of [this.#pollTimer, this.#checkpointTimer, this.#sequenceTimer, this.#waiterPoll]) if (t) clearInterval(t);
    await this.#sequencing;
    if (this.#leader) {
      // A clean stop of the sequencer leaves no unsigned tail: what is pending is integrated and signed (as the file log does).
      this.#kickSequencer();
      await this.#sequencing;
      await this.#finalCheckpoint().catch((err: Error) => this.#opts.onError?.(err));
    }
    for (const w of this.#waiters.values()) w.reject(new Error('audit log closed before the record was sequenced'));
    if (this.#leader) await this.#leader.end().catch(() => undefined);
    this.#leader = null;
    await this.#listener?.end().catch(() => undefined);
    await this.#pool.end();
  }
}
