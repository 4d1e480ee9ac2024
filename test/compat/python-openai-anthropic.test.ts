// The official openai Python package on an Anthropic model, through the gateway's translation to Anthropic's
// native Messages API (issue 24): tool calls streamed and not, the tool result sent back, usage.
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

const { stdout } = await promisify(execFile)(python, [join(packageRoot, 'test', 'compat', 'openai_client_anthropic.py'), gw.url, gw.key], { timeout: 60_000 });
const out = JSON.parse(stdout.trim().split('\n').at(-1)!);

t.equal(out.finish, 'tool_calls');
t.equal(out.name, 'get_weather');
t.type(JSON.parse(out.arguments), 'object', 'arguments are a JSON object');
t.equal(out.streamed_finish, 'tool_calls', 'streamed');
t.same([out.streamed_name, JSON.parse(out.streamed_arguments)], [out.name, JSON.parse(out.arguments)], 'the same call streamed');
t.ok(out.streamed_usage > 0, 'usage chunk');
t.equal(out.after_finish, 'stop', 'the tool result answered');
t.ok(out.after_text.length > 10);
t.equal(gw.mock.received().at(-1)!.url, '/v1/messages', "Anthropic's native API");
