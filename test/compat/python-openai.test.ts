// The official openai Python package against the gateway (the training runner's venv has it).
import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../gateway/core/package-root.js';
import { startDemoGateway } from '../support/demo-gateway.js';

const python = join(packageRoot, 'training-runner', '.venv', 'bin', 'python');
if (!existsSync(python)) throw new Error(`${python} is missing: run make setup`);

const gw = await startDemoGateway();
t.teardown(() => gw.close());

const { stdout } = await promisify(execFile)(python, [join(packageRoot, 'test', 'compat', 'openai_client.py'), gw.url, gw.key], { timeout: 60_000 });
const out = JSON.parse(stdout.trim().split('\n').at(-1)!);

t.match(out.decision_id, /^[0-9a-f-]{36}$/, 'decision id header readable from Python');
t.ok(out.chat_text.length > 20, 'chat answer');
const markPositions = (s: string) => s.replace(/(?:[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF])+/g, '§');
t.equal(markPositions(out.stream_text), markPositions(out.chat_text), 'streamed text equals unstreamed, marks in the same places');
t.ok(out.stream_usage > 0, 'usage chunk');
t.doesNotThrow(() => JSON.parse(out.tool_args), 'tool arguments are JSON');
t.ok(out.responses_text.length > 10, 'Responses API output_text');
t.ok(out.embedding_dim >= 8, 'embedding vector');
t.ok(out.models.includes('gpt-4o-mini') && out.models.includes('deepseek-r1'), 'models list');
t.equal(out.bad_key, 401);
t.equal(out.unknown_model, 404);
t.equal(out.rate_limited, 429);
t.equal(out.denied?.status, 403, 'training-data purpose to OpenAI is denied');
t.match(JSON.stringify(out.denied?.body), /decision_id/, 'denial names its decision id');
