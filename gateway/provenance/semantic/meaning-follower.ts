// A replica's side of the fleet's meaning rows (meaning-rows.ts): every `followMs`, and at once after
// its own insert, it copies the rows it has not seen into its local log and graph, a page at a time.
// The number of the last row it holds is saved beside the log, so a restart resumes there. A replica's
// own outputs reach its graph only through the rows too, so none is added twice. The fleet's retention
// cutoff (index/postgres/retention-row.ts) is applied to the local copy as it is found, and every
// replica's gap (../index-gap.ts) is read at each follow: outputs one replica missed are missing here too.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { decodeOutput, type SemanticOutput } from './semantic-record.js';
import type { MeaningRows } from './meaning-rows.js';
import type { IndexGap } from '../index-gap.js';
import { forgottenBefore } from './meaning-retention.js';

const PAGE = 200;
const SLICE = 16;

export interface FollowTarget {
  /** Adds the outputs to the graph and appends their frames (`bytes`) to the local log. */
  apply(outputs: SemanticOutput[], bytes: Buffer): Promise<void>;
  /** Applies the fleet's retention cutoff (ms) to the local log and graph. */
  retain(cutoffMs: number): Promise<void>;
}

export class MeaningFollower {
  readonly #timer: NodeJS.Timeout;
  #following: Promise<void> = Promise.resolve();
  #seq: number;
  /** The fleet's retention cutoff last applied here. */
  #retention = 0;
  #lastSuccess = Date.now();
  #lastError: string | null = null;
  /** This replica's outputs not yet in the table (the database was unreachable): retried before each follow. */
  readonly #unsent: Buffer[] = [];
  readonly #staleMs: number;
  /** The oldest gap of any replica that retention has not forgotten, as last read. */
  #gap: IndexGap | null = null;

  private constructor(
    readonly rows: MeaningRows,
    readonly markPath: string,
    readonly target: FollowTarget,
    followMs: number,
    seq: number,
  ) {
    this.#seq = seq;
    // Several missed polls in a row, not one slow one, mean the replica no longer sees the fleet.
    this.#staleMs = Math.max(5 * followMs, 5_000);
    this.#timer = setInterval(() => void this.follow().catch(() => undefined), followMs).unref();
  }

  /** Resumes after the row the mark names, unless the table no longer holds that many (recreated): then from the start. */
  static async start(rows: MeaningRows, markPath: string, target: FollowTarget, followMs: number): Promise<MeaningFollower> {
    let seq = existsSync(markPath) ? (JSON.parse(readFileSync(markPath, 'utf8')) as { seq: number }).seq : 0;
    const [last] = await rows.after(seq - 1, 1);
    if (seq > 0 && last?.seq !== seq) seq = 0;
    const follower = new MeaningFollower(rows, markPath, target, followMs, seq);
    await follower.follow();
    return follower;
  }

  /** A replica's gap that admission must refuse for (this replica's own included), or null. */
  get gap(): IndexGap | null {
    return this.#gap;
  }

  get unsent(): number {
    return this.#unsent.length;
  }

  /** Why the fleet's rows are not being followed (no successful poll for several periods) or not all written, or null. */
  get stale(): string | null {
    if (this.#unsent.length > 0) return `${this.#unsent.length} restricted outputs could not yet be written to the fleet's meaning rows (${this.#lastError ?? 'no answer'})`;
    const since = Date.now() - this.#lastSuccess;
    return since <= this.#staleMs ? null : `the fleet's meaning rows could not be followed for ${Math.round(since / 1000)} s (${this.#lastError ?? 'no answer'})`;
  }

  /** Inserts this replica's encoded outputs (kept to retry when the database fails), then follows. */
  publish(outputs: Buffer[]): Promise<void> {
    this.#unsent.push(...outputs);
    return this.follow();
  }

  /** Copies the rows not seen yet; one run at a time. */
  follow(): Promise<void> {
    // After a failed run too: a chain that stopped at its first error would never follow again.
    this.#following = this.#following.then(
      () => this.#catchUp(),
      () => this.#catchUp(),
    );
    return this.#following;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#following.catch(() => undefined);
    await this.rows.close();
  }

  async #catchUp(): Promise<void> {
    try {
      while (this.#unsent.length > 0) {
        const n = Math.min(this.#unsent.length, PAGE);
        await this.rows.insert(this.#unsent.slice(0, n));
        this.#unsent.splice(0, n);
      }
      for (;;) {
        const page = await this.rows.after(this.#seq, PAGE);
        if (page.length === 0) break;
        // A row that is not an intact record stops following after the rows before it (fail closed: skipped,
        // its output would pass unseen), and never reaches the log, where it would end the readable prefix.
        const intact: { seq: number; output: SemanticOutput; frame: Buffer }[] = [];
        const broken = page.find((r) => {
          const decoded = decodeOutput(r.output, 0);
          if (!decoded || decoded.next !== r.output.length) return true;
          intact.push({ seq: r.seq, output: decoded.output, frame: r.output });
          return false;
        });
        // A slice at a time: adding to the graph is synchronous (about a millisecond a window), and the
        // log append between slices hands the event loop back, as the gateway's own batches of 16 do.
        for (let i = 0; i < intact.length; i += SLICE) {
          const slice = intact.slice(i, i + SLICE);
          await this.target.apply(
            slice.map((r) => r.output),
            Buffer.concat(slice.map((r) => r.frame)),
          );
          this.#seq = slice[slice.length - 1].seq;
          // After the append: a crash in between re-adds the slice on restart (a second copy, never a miss).
          writeFileSync(`${this.markPath}.tmp`, JSON.stringify({ seq: this.#seq }));
          renameSync(`${this.markPath}.tmp`, this.markPath);
        }
        if (broken) throw new Error(`row ${broken.seq} of provenance_meaning is not an intact meaning record`);
        if (page.length < PAGE) break;
      }
      const cutoff = await this.rows.cutoff();
      if (cutoff > this.#retention) {
        await this.target.retain(cutoff);
        this.#retention = cutoff;
      }
      this.#gap = await this.rows.standingGap(forgottenBefore(this.#retention));
      this.#lastSuccess = Date.now();
      this.#lastError = null;
    } catch (err) {
      this.#lastError = (err as Error).message;
      throw err;
    }
  }
}
