// `termsgate mock-upstream` as a process: prints its URL, serves, and exits 0 on SIGTERM.
import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

t.test('serves until SIGTERM, then exits 0', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'mock-upstream', '--port', '0', '--words', '7', '--api-key', 'k1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: string) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', () => reject(new Error(`exited early: ${out}`)));
  });
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer k1', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
  });
  const body = (await res.json()) as { choices: { message: { content: string } }[] };
  t.equal(body.choices[0].message.content.split(/\s+/).length, 7, '--words applies');
  t.notMatch(out, /k1/, 'the key is not printed');
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  t.equal(code, 0);
});

t.test('rejects bad options with exit code 2', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'mock-upstream', '--port', 'x'], { stdio: 'ignore' });
  const [code] = await once(child, 'exit');
  t.equal(code, 2);
});
