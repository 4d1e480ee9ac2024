// `termsgate mock-upstream`: serve the fake OpenAI/Anthropic provider until SIGINT or SIGTERM.
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { startMockUpstream } from '../mock-upstream/index.js';

const usage = 'usage: termsgate mock-upstream [--port N] [--host H] [--api-key K] [--latency-ms N] [--chunk-delay-ms N] [--words N] [--models a,b,…]';

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'api-key': { type: 'string' },
        'latency-ms': { type: 'string' },
        'chunk-delay-ms': { type: 'string' },
        words: { type: 'string' },
        models: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage + '\n');
    return 0;
  }
  const numbers: Record<string, number | undefined> = {};
  for (const name of ['port', 'latency-ms', 'chunk-delay-ms', 'words'] as const) {
    const raw = values[name];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) {
      process.stderr.write(`--${name} must be a non-negative integer\n${usage}\n`);
      return 2;
    }
    numbers[name] = n;
  }
  let mock;
  try {
    mock = await startMockUpstream({
      port: numbers.port,
      host: values.host,
      apiKey: values['api-key'] ?? process.env.TERMSGATE_MOCK_API_KEY,
      latencyMs: numbers['latency-ms'],
      chunkDelayMs: numbers['chunk-delay-ms'],
      words: numbers.words || undefined,
      models: values.models?.split(',').map((m) => m.trim()).filter(Boolean),
    });
  } catch (err) {
    process.stderr.write(`mock upstream could not start: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`mock upstream listening on ${mock.url} (OpenAI base URL ${mock.url}/v1)\n`);
  const signal = await Promise.race([once(process, 'SIGINT').then(() => 'SIGINT'), once(process, 'SIGTERM').then(() => 'SIGTERM')]);
  await mock.close();
  process.stdout.write(`mock upstream stopped (${signal})\n`);
  return 0;
}
