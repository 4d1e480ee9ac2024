// The active policy and its lifecycle: build from the policies directory, hot reload on change, poll an
// OPA bundle for fleets, and the stage → validate → dry-run → activate → rollback flow of the admin API.
// A swap replaces one reference, so every decision is made by one whole revision; a step that fails
// leaves the serving revision in place and is reported in status().
// Two lanes, each one at a time: serving (reload, bundle polls, activate, rollback) and editing (stage,
// validate, dry run). A rollback or an activation never waits behind a validation or a preview; the
// editing lane's slow work runs outside the event loop (opa in a child process, the preview in a worker).
import { watch, type FSWatcher } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import type { AuditRecord, CallFacts, ChangeActor, PolicyDecider } from '../core/contracts.js';
import type { ChangeInput } from '../core/change-record.js';
import { BUNDLE_MAX_BYTES, readBundleFiles, verifyBundleFiles } from './bundle-signature.js';
import { readBounded } from '../core/bounded-body.js';
import { shownUrl } from '../core/shown-url.js';
import { commitRevisionDir, exists, loadEngine, readManifest, scratchDir, unpackBundle, writeBundleBytes } from './bundle.js';
import { findingsOf } from './toolchain/findings.js';
import { PreviewBudgetExceeded, PreviewFailed, runPreview, type PreviewCost } from './dry-run/preview.js';
import type { DryRunReport } from './dry-run/report.js';
import type { PolicyDecisionResult, PolicyEngine } from './engine.js';
import { readSources, revisionOf, isSourceFile, writeSources, type SourceFile } from './revision.js';
import { validateDir } from './toolchain/steps.js';
import type { BuildReport } from './toolchain/report.js';
import { PolicyRefusedError, type ActivationResult, type ChangeNote, type PolicyError, type PolicyStatus, type PolicyStoreOptions, type RevisionEntry, type RevisionSource, type StagePayload, type ValidationReport } from './store-types.js';
import { changedFiles, dirChange, dirState, readDirSeen, writeDirSeen, type DirState } from './served-dir.js';
import { checkedId, checkedPath } from './candidate-names.js';
import { dropCandidate, listCandidates, pruneCandidates, STAGING_DEFAULTS, touchCandidate, type StagedCandidate, type StagingLimits } from './staging.js';

const HISTORY_LIMIT = 100;
/** Total time of one bundle fetch when policy.bundleFetchMs is not given. */
const BUNDLE_FETCH_MS = 30_000;

/** A bundle as fetched: null when the server says it has not changed (304). */
type FetchedBundle = { bytes: Buffer; etag: string | null } | null;
/** Calls a dry run replays when the caller names no number. */
export const DRY_RUN_DEFAULT_LAST = 10_000;
export const PREVIEW_BUDGET_DEFAULT_MS = 30_000;
export const DECISION_BUDGET_DEFAULT_MS = 20;
// The recorded calls a staged candidate decides before it is made active, and the time the probe may
// take besides their decisions (a worker thread's start and the candidate's load).
const PROBE_CALLS = 100;
const PROBE_START_MS = 10_000;
/** Expired candidates are also dropped this often when nothing is staged. */
const PRUNE_INTERVAL_MS = 3600_000;

export class PolicyStore implements PolicyDecider {
  #engine!: PolicyEngine;
  #active!: RevisionEntry;
  #history: RevisionEntry[] = [];
  #lastError: PolicyError | null = null;
  #serial: Promise<unknown> = Promise.resolve();
  #editingSerial: Promise<unknown> = Promise.resolve();
  #pruner: NodeJS.Timeout | null = null;
  /** Revisions an activation or rollback is queued for: pruning leaves them alone. */
  readonly #activating = new Map<string, number>();
  #watcher: FSWatcher | null = null;
  #debounce: NodeJS.Timeout | null = null;
  #poller: NodeJS.Timeout | null = null;
  #etag: string | null = null;
  /** The policies directory as last read: its revision and each source file's SHA-256. */
  #dirSeen: DirState | null = null;
  #creating = true;
  #watchWarned = false;
  /** The last refused bundle (its digest and why), so a poll refusing the same bundle again records nothing new. */
  #lastBundleRefusal: string | null = null;
  /** The poll fetching now, which a poll that comes meanwhile joins. */
  #polling: Promise<ActivationResult> | null = null;
  /** Aborts a bundle fetch in flight when the store closes, so closing never waits out bundleFetchMs. */
  readonly #closing = new AbortController();
  /** The bundle URL as status, errors, logs and change records show it (never its query: core/shown-url.ts). */
  readonly #bundleShown: string | null;
  readonly #bundleMaxBytes: number;
  readonly #o: PolicyStoreOptions;
  readonly #root: string;
  readonly #revisions: string;
  readonly #candidates: string;

  private constructor(opts: PolicyStoreOptions) {
    this.#o = opts;
    this.#root = join(opts.dataDir, 'policy');
    this.#revisions = join(this.#root, 'revisions');
    this.#candidates = join(this.#root, 'candidates');
    this.#bundleShown = opts.bundleUrl ? shownUrl(opts.bundleUrl, { path: true }) : null;
    this.#bundleMaxBytes = opts.bundleMaxBytes ?? BUNDLE_MAX_BYTES;
  }

  /** Returns once the first revision serves; throws when it cannot be built or loaded. */
  static async create(opts: PolicyStoreOptions): Promise<PolicyStore> {
    const store = new PolicyStore(opts);
    await mkdir(store.#revisions, { recursive: true });
    await rm(join(store.#root, 'tmp'), { recursive: true, force: true });
    store.#history = await store.#readHistory();
    store.#dirSeen = await readDirSeen(store.#root);
    if (opts.follower) {
      const followed = await store.follow();
      if (!followed.ok) throw new PolicyRefusedError('restored', `the revision to follow could not be served: ${followed.error}`);
      store.#creating = false;
      return store;
    }
    if (opts.bundleUrl) {
      const r = await store.pollBundle();
      store.#creating = false;
      if (!r.ok) throw new PolicyRefusedError('bundle', `initial policy bundle from ${store.#bundleShown} refused: ${r.error}`);
      store.#poller = setInterval(() => void store.pollBundle(), opts.pollIntervalMs);
      store.#poller.unref();
    } else {
      const restored = await store.#restoreActivation();
      if (restored) await store.#writeDirSeen(dirState(await readSources(opts.dir)));
      const r = restored ?? (await store.reload());
      store.#creating = false;
      if (!r.ok) throw new PolicyRefusedError('dir', `initial policy from ${opts.dir} refused: ${r.error}`, r.steps);
      store.#watch(opts.watch ?? true);
    }
    await store.#editing(() => store.#prune());
    store.#pruner = setInterval(() => void store.#editing(() => store.#prune()).catch(() => undefined), Math.min(PRUNE_INTERVAL_MS, store.#limits.candidateTtlMs));
    store.#pruner.unref();
    return store;
  }

  /** The serving revision; hold the returned engine for the whole call. */
  current(): PolicyEngine {
    return this.#engine;
  }

  decide(facts: CallFacts): PolicyDecisionResult {
    return this.#engine.decide(facts);
  }

  status(): PolicyStatus {
    return {
      active: this.#active,
      last_error: this.#lastError,
      history: this.history(),
      mode: this.#o.bundleUrl ? 'bundle' : 'dir',
      dir: this.#o.dir,
      bundle_url: this.#bundleShown,
    };
  }

  /** Activations, newest first. */
  history(): RevisionEntry[] {
    return [...this.#history].reverse();
  }

  /**
   * Rebuilds the policies directory and swaps it in when every step passes. When its files differ from
   * the last reading (an edit outside the control plane, also one made while the gateway was stopped),
   * the change is recorded as `policy.reload` before it serves, or as refused.
   */
  reload(): Promise<ActivationResult> {
    return this.#exclusive(async () => {
      const sources = await readSources(this.#o.dir);
      const now = dirState(sources);
      const revision = now.revision;
      const seen = this.#dirSeen;
      const before = this.#active?.revision ?? null;
      const edited = seen !== null && changedFiles(seen.files, now.files).length > 0;
      const record = (outcome: 'done' | 'refused', after: string | null, error: string | null) =>
        edited ? this.#recordSystem('policy-watch', dirChange(seen!, now, before, after, outcome, error)) : Promise.resolve();
      if (this.#active?.revision === revision) {
        // Only tests (or nothing that decides) changed: the serving revision stays; the edit is still recorded.
        await record('done', revision, null);
        await this.#writeDirSeen(now);
        return { ok: true, revision };
      }
      try {
        const { steps } = await this.#buildRevision(this.#o.dir, sources, 'dir');
        await this.#swap(revision, 'dir', undefined, () => record('done', revision, null));
        await this.#writeDirSeen(now);
        return { ok: true, revision, steps };
      } catch (err) {
        const refused = this.#refused('dir', revision, err);
        await record('refused', before, refused.error ?? null).then(
          () => this.#writeDirSeen(now),
          (e: unknown) => this.#o.logger.error({ err: e }, 'the refused policy directory edit could not be recorded'),
        );
        return refused;
      }
    });
  }

  /**
   * Fetches the fleet bundle (If-None-Match), verifies it loads and decides, and swaps it in. The fetch runs
   * outside the serving lane, under a total deadline and a byte bound, so a bundle server that stalls or
   * never stops sending holds neither the lane (a rollback waits for nothing but other swaps) nor memory;
   * a poll that comes while one is fetching joins it instead of queueing another.
   */
  pollBundle(): Promise<ActivationResult> {
    // A fetch cut by close() is not a refusal: nothing is applied or logged after the store closed.
    const closed = (): ActivationResult => ({ ok: false, revision: this.#active?.revision ?? '', error: 'the policy store closed during the fetch' });
    this.#polling ??= this.#fetchBundle().then(
      (fetched) => (this.#closing.signal.aborted ? closed() : this.#exclusive(() => this.#applyBundle(fetched))),
      (err: unknown) => (this.#closing.signal.aborted ? closed() : this.#exclusive(async () => this.#refused('bundle', this.#active?.revision ?? '', err))),
    ).finally(() => (this.#polling = null));
    return this.#polling;
  }

  async #fetchBundle(): Promise<FetchedBundle> {
    const url = this.#o.bundleUrl!;
    const headers: Record<string, string> = {};
    if (this.#etag) headers['if-none-match'] = this.#etag;
    if (this.#o.bundleToken) headers.authorization = `Bearer ${this.#o.bundleToken}`;
    const fetchMs = this.#o.bundleFetchMs ?? BUNDLE_FETCH_MS;
    const maxBytes = this.#bundleMaxBytes;
    const deadline = AbortSignal.timeout(fetchMs);
    const signal = AbortSignal.any([deadline, this.#closing.signal]);
    try {
      const res = await request(url, { headers, dispatcher: this.#o.dispatcher, signal });
      if (res.statusCode === 304) {
        await res.body.dump();
        return null;
      }
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw new PolicyRefusedError('fetch', `GET ${this.#bundleShown} answered ${res.statusCode}`);
      }
      const tooLarge = () => new PolicyRefusedError('fetch', `GET ${this.#bundleShown}: the bundle is larger than policy.bundleMaxBytes (${maxBytes} bytes)`);
      const bytes = await readBounded(res.body, maxBytes, tooLarge);
      return { bytes, etag: typeof res.headers.etag === 'string' ? res.headers.etag : null };
    } catch (err) {
      if (deadline.aborted) throw new PolicyRefusedError('fetch', `GET ${this.#bundleShown} did not complete within policy.bundleFetchMs (${fetchMs} ms)`);
      throw err;
    }
  }

  async #applyBundle(fetched: FetchedBundle): Promise<ActivationResult> {
    const before = this.#active?.revision ?? null;
    let revision = before ?? '';
    let digest: string | null = null;
    if (fetched === null) return { ok: true, revision };
    try {
      const bytes = fetched.bytes;
      digest = createHash('sha256').update(bytes).digest('hex');
      // Verified before anything of it is unpacked or loaded.
      const key = this.#o.bundleKey;
      if (!key) throw new PolicyRefusedError('verify', 'no policy.bundleKey is configured: unsigned bundles are refused');
      const verified = await this.#step('verify', async () => verifyBundleFiles(await readBundleFiles(bytes, this.#bundleMaxBytes), key));
      const scratch = await scratchDir(this.#root);
      await writeBundleBytes(scratch, bytes);
      await this.#step('unpack', () => unpackBundle(scratch));
      const manifest = await readManifest(scratch);
      revision = manifest.revision || digest.slice(0, 16);
      await this.#step('load', () => loadEngine(scratch, revision));
      await commitRevisionDir(this.#revisions, revision, scratch);
      if (this.#active?.revision !== revision) {
        const after = JSON.stringify({ revision, bundle_sha256: digest, signed_with: verified.alg, kid: verified.kid, files: verified.files });
        const input: ChangeInput = { action: 'policy.bundle', target: revision, before: JSON.stringify({ revision: before }), after, reason: `fleet bundle from ${this.#bundleShown}`, outcome: 'done' };
        await this.#swap(revision, 'bundle', undefined, () => this.#recordSystem('policy-bundle', input));
      }
      this.#etag = fetched.etag;
      this.#lastBundleRefusal = null;
      return { ok: true, revision };
    } catch (err) {
      const refused = this.#refused('bundle', revision, err);
      // A bundle that arrived and was refused is recorded once (the same bundle refused again on every poll is not).
      const key = `${digest}\0${refused.error}`;
      if (digest && this.#lastBundleRefusal !== key) {
        const input: ChangeInput = {
          action: 'policy.bundle',
          target: null,
          before: JSON.stringify({ revision: before }),
          after: JSON.stringify({ revision: before, bundle_sha256: digest }),
          reason: `fleet bundle from ${this.#bundleShown}`,
          outcome: 'refused',
          error: refused.error ?? null,
        };
        await this.#recordSystem('policy-bundle', input).then(
          () => void (this.#lastBundleRefusal = key),
          (e: unknown) => this.#o.logger.error({ err: e }, 'the refused policy bundle could not be recorded'),
        );
      }
      return refused;
    }
  }

  /** Stores a candidate's sources; its id is the revision they would build. */
  stage(payload: StagePayload): Promise<{ candidate: string; files: string[] }> {
    return this.#editing(async () => {
      const overlay = Object.entries(payload.files ?? {}).map(([path, content]) => ({ path: checkedPath(path), content: String(content) }));
      const base = payload.base === 'empty' ? [] : await this.sources(this.#active.revision).catch(() => readSources(this.#o.dir));
      const merged = new Map<string, SourceFile>(base.map((f) => [f.path, f]));
      for (const f of overlay) merged.set(f.path, f);
      const files = [...merged.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
      const candidate = revisionOf(files);
      await this.#prune({ room: 1, keep: candidate });
      const limits = this.#limits;
      const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.path) + Buffer.byteLength(f.content), 0);
      const others = (await this.candidates()).filter((c) => c.id !== candidate);
      const held = others.reduce((n, c) => n + c.bytes, 0);
      if (held + bytes > limits.stagingBytes) {
        throw new PolicyRefusedError(
          'stage',
          `staging is full: this candidate's ${bytes} bytes with the ${held} bytes of ${others.length} staged candidates would pass policy.stagingBytes (${limits.stagingBytes}); ` +
            `discard a candidate (DELETE /admin/v1/policies/candidates/<id>) or wait for candidates to expire (policy.candidateTtlMs)`,
        );
      }
      const dir = join(this.#candidates, candidate);
      await rm(dir, { recursive: true, force: true });
      await writeSources(dir, files);
      await touchCandidate(this.#stagingDirs, candidate);
      return { candidate, files: files.map((f) => f.path) };
    });
  }

  /** Checks schema, fmt, check, test and build of a staged candidate; on success its bundle is kept for activation. */
  validate(candidate: string): Promise<ValidationReport> {
    return this.#editing(async () => {
      const dir = join(this.#candidates, checkedId(candidate));
      if (!(await exists(dir))) throw new PolicyRefusedError('stage', `no staged candidate ${candidate}`);
      try {
        const { steps } = await this.#buildRevision(dir, await readSources(dir), 'staged');
        return { ok: true, revision: candidate, steps, findings: [] };
      } catch (err) {
        const refused = err instanceof PolicyRefusedError && err.steps ? err.steps : [];
        const steps = refused.length ? refused : [{ step: 'build' as const, ok: false, output: String((err as Error).message) }];
        return { ok: false, revision: candidate, steps, findings: steps.flatMap((s) => findingsOf(s, dir)) };
      }
    });
  }

  /**
   * Re-decides the last `last` recorded calls under a validated revision and under the serving one, in a
   * worker thread under policy.previewBudgetMs (wall clock, reading the records included); past it the
   * worker is terminated and the preview refused, naming the budget.
   */
  dryRun(revision: string, opts: { last?: number; records?: AsyncIterable<AuditRecord>; budgetMs?: number } = {}): Promise<DryRunReport & { cost: PreviewCost }> {
    return this.#editing(async () => {
      const dir = join(this.#revisions, checkedId(revision));
      if (!(await exists(join(dir, 'policy.wasm')))) throw new PolicyRefusedError('dry-run', `revision ${revision} is not validated`);
      const active = this.#active.revision;
      try {
        const report = await runPreview({
          candidate: { dir, revision },
          baseline: { dir: join(this.#revisions, active), revision: active },
          records: opts.records ?? this.#o.records(),
          last: opts.last ?? DRY_RUN_DEFAULT_LAST,
          recordContext: this.#o.recordContext,
          budgetMs: opts.budgetMs ?? this.#o.previewBudgetMs ?? PREVIEW_BUDGET_DEFAULT_MS,
        });
        report.revision = revision;
        return report;
      } catch (err) {
        if (err instanceof PreviewBudgetExceeded) throw new PolicyRefusedError('dry-run-budget', err.message);
        if (err instanceof PreviewFailed) throw new PolicyRefusedError('dry-run', err.message);
        throw err;
      }
    });
  }

  /** Staged candidates, oldest first, with the bytes each holds. */
  async candidates(): Promise<StagedCandidate[]> {
    return listCandidates(this.#stagingDirs, this.#served());
  }

  /** Discards a staged candidate (its sources, and its bundle unless it has served). */
  discard(candidate: string): Promise<{ candidate: string; discarded: boolean }> {
    return this.#editing(async () => {
      const id = checkedId(candidate);
      const discarded = await exists(join(this.#candidates, id));
      if (discarded) await dropCandidate(this.#stagingDirs, id, this.#served());
      return { candidate: id, discarded };
    });
  }

  /** Makes a validated revision the serving one. */
  activate(revision: string, source: RevisionSource = 'staged', note?: ChangeNote): Promise<ActivationResult> {
    this.#activating.set(revision, (this.#activating.get(revision) ?? 0) + 1);
    // The probe runs before the serving lane is taken: a rollback never waits behind a candidate's probe.
    const probed = source === 'staged' ? this.#probe(revision).then(() => null, (err: unknown) => err) : Promise.resolve(null);
    return probed.then((probeError) => this.#exclusive(async () => {
      try {
        if (probeError) throw probeError;
        await this.#swap(checkedId(revision), source, note);
        return { ok: true, revision };
      } catch (err) {
        return this.#refused(source, revision, err);
      }
    })).finally(() => {
      const n = this.#activating.get(revision)! - 1;
      if (n > 0) this.#activating.set(revision, n);
      else this.#activating.delete(revision);
    });
  }

  /**
   * Serves what another process sharing the data directory made active: the last revision of the shared
   * history (not the one a message named, so two activations racing in two processes end with every
   * process on the same one), its built bundle loaded and swapped in, nothing recorded or written.
   */
  follow(): Promise<ActivationResult> {
    return this.#exclusive(async () => {
      const history = await this.#readHistory();
      const last = history.at(-1);
      if (!last) return { ok: false, revision: '', error: 'no revision has served in this data directory' };
      const revision = last.revision;
      this.#history = history;
      if (this.#active?.revision === revision) return { ok: true, revision };
      try {
        const dir = join(this.#revisions, checkedId(revision));
        const engine = await this.#step('load', () => loadEngine(dir, revision));
        this.#engine = engine;
        this.#active = last;
        this.#lastError = null;
        this.#o.logger.info({ revision }, 'policy revision active (made active by another worker)');
        return { ok: true, revision };
      } catch (err) {
        return this.#refused('restored', revision, err);
      }
    });
  }

  /** Returns to a revision that served before; its bundle is still on disk. */
  rollback(revision: string, note?: ChangeNote): Promise<ActivationResult> {
    if (!this.#history.some((h) => h.revision === revision)) {
      return Promise.resolve({ ok: false, revision, error: `revision ${revision} never served` });
    }
    return this.activate(revision, 'rollback', note);
  }

  /** The Rego and data of a revision built here (fleet bundles carry none). */
  async sources(revision: string): Promise<SourceFile[]> {
    const raw = await readFile(join(this.#revisions, checkedId(revision), 'sources.json'), 'utf8');
    return JSON.parse(raw) as SourceFile[];
  }

  async close(): Promise<void> {
    this.#closing.abort();
    await this.#polling?.catch(() => undefined);
    this.#watcher?.close();
    if (this.#debounce) clearTimeout(this.#debounce);
    if (this.#poller) clearInterval(this.#poller);
    if (this.#pruner) clearInterval(this.#pruner);
    await this.#serial.catch(() => undefined);
    await this.#editingSerial.catch(() => undefined);
  }

  /**
   * A revision activated through the API survives a restart as long as the policies directory has not
   * changed since; once it has, the directory wins (it is rebuilt and tested as usual).
   */
  async #restoreActivation(): Promise<ActivationResult | null> {
    const last = this.#history.at(-1);
    if (!last || last.source === 'dir' || last.source === 'bundle' || !last.dir_revision) return null;
    if (last.dir_revision !== revisionOf(await readSources(this.#o.dir))) return null;
    try {
      await this.#swap(last.revision, 'restored');
      return { ok: true, revision: last.revision };
    } catch (err) {
      this.#refused('restored', last.revision, err);
      return null;
    }
  }

  /**
   * Watching: an edit is rebuilt, recorded and swapped in (reload). Not watching (policy.watch: false): the
   * first edit after start is logged once as ignored and recorded as refused, then the watcher stops.
   */
  #watch(reload: boolean): void {
    this.#watcher = watch(this.#o.dir, { recursive: true }, (_event, name) => {
      if (name && !isSourceFile(String(name))) return;
      if (this.#debounce) clearTimeout(this.#debounce);
      this.#debounce = setTimeout(() => {
        if (reload) {
          void this.reload().then((r) => {
            if (r.ok) this.#o.logger.info({ revision: r.revision }, 'policy directory reloaded');
          });
        } else void this.#exclusive(() => this.#ignoreEdit());
      }, this.#o.debounceMs ?? 300);
    });
  }

  async #ignoreEdit(): Promise<void> {
    if (this.#watchWarned) return;
    const now = dirState(await readSources(this.#o.dir));
    const seen = this.#dirSeen;
    if (!seen || changedFiles(seen.files, now.files).length === 0) return;
    this.#watchWarned = true;
    this.#watcher?.close();
    this.#watcher = null;
    const error = 'policy.watch is false: edits of the policies directory are ignored until the gateway restarts';
    this.#o.logger.warn({ dir: this.#o.dir, dir_revision: now.revision }, `${error} (logged once)`);
    const active = this.#active.revision;
    await this.#recordSystem('policy-watch', dirChange(seen, now, active, active, 'refused', error)).catch((e: unknown) =>
      this.#o.logger.error({ err: e }, 'the ignored policy directory edit could not be recorded'),
    );
  }

  async #recordSystem(id: string, input: ChangeInput): Promise<void> {
    if (!this.#o.changes) return;
    const actor: ChangeActor = { type: 'system', id: this.#creating && id === 'policy-watch' ? 'policy-start' : id, email: null };
    await this.#o.changes.recordSystem(actor, input);
  }

  async #writeDirSeen(state: DirState): Promise<void> {
    this.#dirSeen = state;
    await writeDirSeen(this.#root, state);
  }

  async #buildRevision(dir: string, sources: SourceFile[], source: RevisionSource): Promise<{ steps: BuildReport['steps'] }> {
    const revision = revisionOf(sources);
    // A staged candidate always runs its steps: its tests are not part of the revision id, so a
    // candidate that only changes tests shares the id of a revision built before.
    if (source !== 'staged' && (await exists(join(this.#revisions, revision, 'policy.wasm')))) return { steps: [] };
    const scratch = await scratchDir(this.#root);
    try {
      const report = await validateDir(dir, { out: join(scratch, 'bundle.tar.gz'), threshold: this.#o.coverageThreshold });
      const failed = report.steps.find((s) => !s.ok);
      if (!report.ok) throw new PolicyRefusedError(failed?.step ?? 'build', `${failed?.step} failed: ${failed?.output}`, report.steps);
      await this.#step('unpack', () => unpackBundle(scratch));
      await this.#step('load', () => loadEngine(scratch, revision));
      await writeFile(join(scratch, 'sources.json'), JSON.stringify(sources));
      await commitRevisionDir(this.#revisions, revision, scratch);
      this.#o.logger.info({ revision, source }, 'policy revision built');
      return { steps: report.steps };
    } catch (err) {
      await rm(scratch, { recursive: true, force: true });
      throw err;
    }
  }

  /** `record` runs once the revision loaded and before it serves; when it throws, the revision does not serve. */
  /**
   * A staged candidate decides the last recorded calls in a worker thread before it serves: one whose
   * slowest decision passes policy.decisionBudgetMs, that fails to decide any of them, or that cannot decide them within the probe's time,
   * would hold the data plane's event loop that long on every such call, and is refused (step
   * decision-budget). A rollback returns to a revision that served, and is not probed.
   */
  async #probe(candidate: string): Promise<void> {
    const revision = checkedId(candidate);
    if (!(await exists(join(this.#revisions, revision, 'policy.wasm')))) return;
    const budgetMs = this.#o.decisionBudgetMs ?? DECISION_BUDGET_DEFAULT_MS;
    let report: DryRunReport;
    try {
      // One call at a time, so that the first decision over the budget ends the probe.
      report = await runPreview({
        candidate: { dir: join(this.#revisions, revision), revision },
        records: this.#o.records(),
        last: PROBE_CALLS,
        recordContext: this.#o.recordContext,
        budgetMs: PROBE_START_MS + PROBE_CALLS * budgetMs,
        chunk: 1,
        stopWhen: (soFar) => soFar.slowest_decision_ms > budgetMs,
        yieldCpu: false,
      });
    } catch (err) {
      if (err instanceof PreviewBudgetExceeded) throw new PolicyRefusedError('decision-budget', `the candidate could not decide the last ${PROBE_CALLS} recorded calls in time (${err.message}); each of its decisions may take at most policy.decisionBudgetMs (${budgetMs} ms)`);
      if (err instanceof PreviewFailed) throw new PolicyRefusedError('decision-budget', err.message);
      throw err;
    }
    if (report.errors.length > 0) {
      throw new PolicyRefusedError('decision-budget', `the candidate failed to decide ${report.errors.length} of the last ${report.examined} recorded calls (${report.errors[0].error.slice(0, 200)}): served, every such call would fail`);
    }
    if (report.slowest_decision_ms > budgetMs) {
      throw new PolicyRefusedError('decision-budget', `one decision of the candidate on a recorded call took ${report.slowest_decision_ms} ms, over policy.decisionBudgetMs (${budgetMs} ms): served, it would hold every such call that long`);
    }
  }

  async #swap(revision: string, source: RevisionSource, note?: ChangeNote, record?: () => Promise<void>): Promise<void> {
    const dir = join(this.#revisions, revision);
    if (!(await exists(join(dir, 'policy.wasm')))) throw new PolicyRefusedError('activate', `revision ${revision} has no built bundle`);
    const engine = await this.#step('load', () => loadEngine(dir, revision));
    if (record) await this.#step('record', record);
    const dirRevision = this.#o.bundleUrl ? undefined : revisionOf(await readSources(this.#o.dir));
    this.#engine = engine;
    this.#active = { revision, source, activated_at: new Date().toISOString(), dir_revision: dirRevision, ...note };
    // Another process sharing the directory may have written history since this one read it.
    if (this.#o.follower !== undefined) this.#history = await this.#readHistory();
    this.#history.push(this.#active);
    if (this.#history.length > HISTORY_LIMIT) this.#history.splice(0, this.#history.length - HISTORY_LIMIT);
    this.#lastError = null;
    await writeFile(join(this.#root, 'history.json'), JSON.stringify(this.#history, null, 1));
    this.#o.logger.info({ revision, source }, 'policy revision active');
    this.#o.onActivated?.(revision);
  }

  async #readHistory(): Promise<RevisionEntry[]> {
    try {
      return JSON.parse(await readFile(join(this.#root, 'history.json'), 'utf8')) as RevisionEntry[];
    } catch {
      return [];
    }
  }

  async #step<T>(step: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof PolicyRefusedError) throw err;
      throw new PolicyRefusedError(step, `${step} failed: ${String((err as Error)?.message ?? err)}`);
    }
  }

  #refused(source: RevisionSource, revision: string, err: unknown): ActivationResult {
    const step = err instanceof PolicyRefusedError ? err.step : 'internal';
    const message = String((err as Error)?.message ?? err);
    this.#lastError = { time: new Date().toISOString(), source, step, message };
    this.#o.logger.error({ revision, source, step, reason: message }, 'policy revision refused; the previous revision keeps serving');
    return { ok: false, revision, error: message, steps: err instanceof PolicyRefusedError ? err.steps : undefined };
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#serial.then(fn, fn);
    this.#serial = run.catch(() => undefined);
    return run;
  }

  /** The editing lane: stage, validate, dry run and pruning, one at a time, apart from the serving lane. */
  #editing<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#editingSerial.then(fn, fn);
    this.#editingSerial = run.catch(() => undefined);
    return run;
  }

  get #limits(): StagingLimits {
    return {
      maxCandidates: this.#o.maxCandidates ?? STAGING_DEFAULTS.maxCandidates,
      candidateTtlMs: this.#o.candidateTtlMs ?? STAGING_DEFAULTS.candidateTtlMs,
      stagingBytes: this.#o.stagingBytes ?? STAGING_DEFAULTS.stagingBytes,
    };
  }

  get #stagingDirs() {
    return { candidates: this.#candidates, revisions: this.#revisions };
  }

  /** Revisions that have served: never deleted (the active and previous ones, every rollback target). */
  #served(): Set<string> {
    const served = new Set(this.#history.map((h) => h.revision));
    if (this.#active) served.add(this.#active.revision);
    for (const r of this.#activating.keys()) served.add(r);
    return served;
  }

  async #prune(opts: { room?: number; keep?: string } = {}): Promise<void> {
    const dropped = await pruneCandidates(this.#stagingDirs, this.#limits, this.#served(), opts);
    if (dropped.length) this.#o.logger.info({ dropped }, 'staged policy candidates expired');
  }
}

export function createPolicyStore(opts: PolicyStoreOptions): Promise<PolicyStore> {
  return PolicyStore.create(opts);
}
