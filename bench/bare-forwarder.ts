// The ceiling: the least a Node gateway can do, fastify + @fastify/http-proxy forwarding every
// request to the provider unchanged. Run as its own process by the benchmark:
//   node dist/bench/bare-forwarder.js --port N --upstream http://127.0.0.1:M
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import httpProxy from '@fastify/http-proxy';

const { values } = parseArgs({
  options: { port: { type: 'string' }, upstream: { type: 'string' } },
});
if (!values.port || !values.upstream) {
  process.stderr.write('usage: bare-forwarder --port N --upstream URL\n');
  process.exit(2);
}

const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
await app.register(httpProxy, { upstream: values.upstream, http2: false });
await app.listen({ host: '127.0.0.1', port: Number(values.port) });
process.stdout.write(`bare forwarder on 127.0.0.1:${values.port} → ${values.upstream}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
