// `termsgate mock-upstream`: serve the fake OpenAI/Anthropic provider until SIGINT or SIGTERM.
import { once } from 'node:events';
import { startMockUpstream } from '../mock-upstream/index.js';
import { command, integer } from './args.js';

const cli = command({
  name: 'termsgate mock-upstream',
  synopsis: 'termsgate mock-upstream [--port N] [--host H] [--api-key K] [--latency-ms N] [--chunk-delay-ms N] [--words N] [--models a,b,…]',
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'api-key': { type: 'string' },
    'latency-ms': { type: 'string' },
    'chunk-delay-ms': { type: 'string' },
    words: { type: 'string' },
    models: { type: 'string' },
  },
  async run({ values }) {
    const count = (name: 'port' | 'latency-ms' | 'chunk-delay-ms' | 'words') => (values[name] === undefined ? undefined : integer(values[name], name, 0));
    const options = {
      port: count('port'),
      host: values.host,
      apiKey: values['api-key'] ?? process.env.TERMSGATE_MOCK_API_KEY,
      latencyMs: count('latency-ms'),
      chunkDelayMs: count('chunk-delay-ms'),
      words: count('words') || undefined,
      models: values.models?.split(',').map((m) => m.trim()).filter(Boolean),
    };
    const mock = await startMockUpstream(options);
    process.stdout.write(`mock upstream listening on ${mock.url} (OpenAI base URL ${mock.url}/v1)\n`);
    const signal = await Promise.race([once(process, 'SIGINT').then(() => 'SIGINT'), once(process, 'SIGTERM').then(() => 'SIGTERM')]);
    await mock.close();
    process.stdout.write(`mock upstream stopped (${signal})\n`);
    return 0;
  },
});

export const run = (args: string[]): Promise<number> => cli.run(args);
