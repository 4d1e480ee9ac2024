// The gateway's lifecycle state: serving, draining (SIGTERM: no new calls, in-flight ones finish up to
// a deadline), or read-only (the audit log cannot be written: no new calls, since none could be
// recorded). Every refusal it causes is answered in the caller's face from core/errors.ts.
import type { IncomingHttpHeaders } from 'node:http';
import type { AuditSink } from '../core/contracts.js';
import type { ErrorFace } from '../core/errors.js';
import type { NodeSink } from './node-sink.js';

/** Errors of the storage under the audit log: after one, no record can be trusted to be written. */
const STORAGE_ERRORS = new Set(['ENOSPC', 'EIO', 'EROFS', 'EDQUOT', 'EFBIG', 'EACCES', 'EPERM', 'EBADF', 'ENOENT', 'EISDIR', 'ENOTDIR', 'EMFILE', 'ENFILE']);

export function isStorageError(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && STORAGE_ERRORS.has(code);
}

export class GatewayState {
  #draining = false;
  #readOnly: string | null = null;
  /** Data-plane calls whose handler runs: cut off with an error event at the drain deadline. */
  readonly calls = new Set<NodeSink>();
  /** Every response not yet closed, of any route. */
  readonly responses = new Set<object>();
  readonly #onReadOnly: (reason: string, err: Error) => void;

  constructor(onReadOnly: (reason: string, err: Error) => void = () => undefined) {
    this.#onReadOnly = onReadOnly;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Why the gateway refuses calls for good (until restarted), or null. */
  get readOnly(): string | null {
    return this.#readOnly;
  }

  startDraining(): void {
    this.#draining = true;
  }

  /** The audit log failed to write: from now on every call is refused, since none could be recorded. */
  enterReadOnly(err: Error & { code?: string }): void {
    if (this.#readOnly) return;
    this.#readOnly = `the audit log cannot be written (${err.code ?? err.name}), so termsgate refuses calls until it is restarted with writable storage`;
    this.#onReadOnly(this.#readOnly, err);
  }

  /** The audit sink, with its storage failures switching the gateway to read-only. */
  guard(sink: AuditSink): AuditSink {
    return {
      append: (record, content) =>
        sink.append(record, content).catch((err: unknown) => {
          if (isStorageError(err)) this.enterReadOnly(err);
          throw err;
        }),
      close: () => sink.close(),
    };
  }
}

const ANTHROPIC_PATH = /^\/v1\/messages(\/|\?|$)/;
const DATA_PLANE_PATH = /^\/v1(\/|\?|$)/;

/** Who reads an answer to this request: Anthropic's SDK, OpenAI's, or (outside /v1) a control-plane client. */
export function faceOf(url: string, headers: IncomingHttpHeaders): ErrorFace {
  if (!DATA_PLANE_PATH.test(url)) return 'control';
  return ANTHROPIC_PATH.test(url) || headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai';
}
