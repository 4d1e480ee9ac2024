// The policy store's vocabulary: its options, the revisions it serves, what its steps answer, and the
// refusal a step raises (store.ts runs them; routes.ts answers them).
import type { Dispatcher } from 'undici';
import type { AuditRecord } from '../core/contracts.js';
import type { SystemChangeRecorder } from '../core/control-plane.js';
import type { BundleKey } from './bundle-signature.js';
import type { Finding } from './toolchain/findings.js';
import type { RecordContext } from './dry-run/dry-run.js';
import type { BuildReport } from './toolchain/report.js';

export interface PolicyLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type RevisionSource = 'dir' | 'bundle' | 'staged' | 'rollback' | 'restored';

export interface RevisionEntry {
  revision: string;
  source: RevisionSource;
  activated_at: string;
  /** Revision of the policies directory when this one was activated (dir mode). */
  dir_revision?: string;
  /** Who activated it through the API (the control-plane token id), and why. */
  by?: string;
  reason?: string;
}

/** Who makes an API activation or rollback, and why (required by the admin API). */
export interface ChangeNote {
  by: string;
  reason: string;
}

export interface PolicyError {
  time: string;
  source: RevisionSource;
  step: string;
  message: string;
}

export interface PolicyStatus {
  active: RevisionEntry;
  last_error: PolicyError | null;
  history: RevisionEntry[];
  mode: 'dir' | 'bundle';
  dir: string;
  bundle_url: string | null;
}

export interface PolicyStoreOptions {
  dir: string;
  dataDir: string;
  bundleUrl?: string;
  pollIntervalMs: number;
  /** Total time of one fetch of `bundleUrl`, answer included (default 30 s). */
  bundleFetchMs?: number;
  /** Bytes a bundle may hold, fetched and unpacked (default BUNDLE_MAX_BYTES). */
  bundleMaxBytes?: number;
  logger: PolicyLogger;
  /**
   * Watch `dir` for changes (default true in dir mode). When false the directory is read once at start:
   * later edits are ignored (a warning is logged once and the first is recorded as refused).
   */
  watch?: boolean;
  /**
   * Where changes the gateway makes by itself are recorded (the composition root hands in the change log):
   * an edit of `dir` (`policy.reload`, with the file digests before and after) and a fleet bundle
   * (`policy.bundle`), activated or refused. A change that cannot be recorded does not serve.
   */
  changes?: SystemChangeRecorder;
  /** The key fleet bundles must be signed with (OPA's .signatures.json); without it every bundle is refused. */
  bundleKey?: BundleKey;
  /** Sent as `Authorization: Bearer <token>` when fetching `bundleUrl`. */
  bundleToken?: string;
  /** How `bundleUrl` is reached (the egress proxy rules); undici's default when absent. */
  dispatcher?: Dispatcher;
  debounceMs?: number;
  coverageThreshold?: number;
  /** Recorded calls for dry runs, newest last: the composition root hands in the audit log's. */
  records: () => AsyncIterable<AuditRecord>;
  recordContext?: RecordContext;
  /** Wall-clock budget of one impact preview (policy.previewBudgetMs). */
  previewBudgetMs?: number;
  /** The longest one decision of a staged candidate may take on recorded calls before it is made active (policy.decisionBudgetMs). */
  decisionBudgetMs?: number;
  /** Staged candidates kept (policy.maxCandidates), their age (policy.candidateTtlMs) and bytes (policy.stagingBytes). */
  maxCandidates?: number;
  candidateTtlMs?: number;
  stagingBytes?: number;
  /**
   * Several processes share this data directory (server.workers): true in all but one (false there; unset
   * in a single process), which alone watches
   * the directory, polls the bundle and prunes. A follower starts on the revision last active in history
   * and then serves what `follow` is told; activations made through its own API are its own as anywhere.
   */
  follower?: boolean;
  /** Called after this store made a revision active (not one it was told to follow), to tell the others. */
  onActivated?: (revision: string) => void;
}

export interface ActivationResult {
  ok: boolean;
  revision: string;
  steps?: BuildReport['steps'];
  error?: string;
}

export interface ValidationReport extends BuildReport {
  /** What failed, at file and line, in words. */
  findings: Finding[];
}

export interface StagePayload {
  /** Path (relative, POSIX, .rego or .json) → content. */
  files: Record<string, string>;
  /** Start from the active revision's sources and overlay `files` (default true). */
  base?: 'active' | 'empty';
}

export class PolicyRefusedError extends Error {
  constructor(
    readonly step: string,
    message: string,
    readonly steps?: BuildReport['steps'],
  ) {
    super(message);
  }
}
