import t from 'tap';
import type { AuditSink } from '../core/contracts.js';
import { faceOf, GatewayState, isStorageError } from './lifecycle.js';

t.test('faceOf: Anthropic by path or header under /v1, OpenAI otherwise, the control plane outside /v1', async (t) => {
  t.equal(faceOf('/v1/messages', {}), 'anthropic');
  t.equal(faceOf('/v1/messages/batches?x=1', {}), 'anthropic');
  t.equal(faceOf('/v1/messagesx', {}), 'openai');
  t.equal(faceOf('/v1/files', { 'anthropic-version': '2023-06-01' }), 'anthropic');
  t.equal(faceOf('/v1', {}), 'openai');
  t.equal(faceOf('/v1?k=v', {}), 'openai');
  t.equal(faceOf('/v1beta/models', {}), 'control');
  t.equal(faceOf('/admin/v1/audit', { 'anthropic-version': '2023-06-01' }), 'control');
});

t.test('a storage error of an append makes the state read-only once, with the code in the reason; other errors do not', async (t) => {
  const seen: string[] = [];
  const state = new GatewayState((reason) => seen.push(reason));
  let fail: Error = new Error('canonical JSON cannot hold Infinity');
  const sink: AuditSink = { append: () => Promise.reject(fail), close: async () => undefined };
  const guarded = state.guard(sink);
  await t.rejects(guarded.append({} as never), /Infinity/);
  t.equal(state.readOnly, null, 'a bad record is not a broken disk');
  fail = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  await t.rejects(guarded.append({} as never), { code: 'ENOSPC' });
  await t.rejects(guarded.append({} as never), { code: 'ENOSPC' });
  t.match(state.readOnly, /the audit log cannot be written \(ENOSPC\)/);
  t.equal(seen.length, 1, 'reported once');
  t.ok(isStorageError(Object.assign(new Error('x'), { code: 'EIO' })));
  t.notOk(isStorageError(new Error('x')));
});
