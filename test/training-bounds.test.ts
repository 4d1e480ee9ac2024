// Long training records and detection batches through the real gateway: their detection (1–4 ms per KB,
// a disguised text the most) runs on a detection thread, and a provider's long answer is fingerprinted on
// a thread (0.3–0.5 ms per KB), so /healthz and other calls are answered throughout; a restricted output
// deep inside a long record is still refused, naming its decision; and a detection that finds no thread,
// or runs past its budget, refuses the record (fail closed) without offering it to the feed. Meaning is off but in the last test: a record this long is past what meaning
// checks (refused for that alone, at once), and the bounds under test are those of the word detection.
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { request } from 'undici';
import { startDemoGateway, type DemoGateway } from './support/demo-gateway.js';
import { SELECTOR, feedDecisionIds, postAs } from './support/gateway-calls.js';
import { indexed } from './support/until.js';
import { mailCorpus } from '../bench/provenance/mail-corpus.js';
import { rngFrom } from '../bench/provenance/sotu-corpus.js';
import { reversed, rot13, wordsRunTogether } from '../bench/provenance/rewording.js';
import type { Config } from '../gateway/config/types.js';

// Seven gateways, each reading megabytes: 82 s alone on two cores, past tap's 120 s beside another file in CI.
t.setTimeout(300_000);

const { unrelated } = mailCorpus(rngFrom(7));
/** About `kb` KB of ordinary mail, none of it served. */
const mail = (kb: number) => unrelated.join('\n\n').slice(0, kb * 1024);

async function gateway(t: Tap.Test, adjust: (c: Config) => void = () => {}, meaning = false): Promise<DemoGateway> {
  const gw = await startDemoGateway((c) => {
    c.provenance.semantic.enabled = meaning;
    // Classifying 600 KB of mail takes 0.1–0.2 s warm (1 s with a cold thread), but CI, with three such
    // bodies on two busy cores, once spent past the 10 s default budget and once waited past the 10 s
    // queue bound: the bounds under test here are detection's, not classification's.
    c.intake.classifyBudgetMs = 120_000;
    c.intake.classifyQueueMs = 120_000;
    adjust(c);
  });
  t.teardown(() => gw.close());
  return gw;
}

async function restrictedOutput(gw: DemoGateway): Promise<{ id: string; text: string }> {
  const r = await postAs(gw, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Write at length about the history of lighthouses and their keepers.' }] });
  const served = { id: r.id, text: (r.body.choices[0].message.content as string).replace(SELECTOR, '') };
  await indexed(gw, [served]);
  return served;
}

const asTrainingData = (gw: DemoGateway, content: string) =>
  postAs(gw, '/v1/chat/completions', { model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content }] }, { 'x-termsgate-purpose': 'training-data' });

/**
 * Runs the call while /healthz is probed every 50 ms: the latency of each probe, and the longest the
 * event loop was held (the gateway runs in this process, so a block between two probes counts too).
 */
async function probed<T>(gw: DemoGateway, call: Promise<T>): Promise<{ result: T; probes: number[]; heldMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let done = false;
  const settled = call.finally(() => (done = true));
  const probes: number[] = [];
  do {
    const p0 = performance.now();
    const h = await request(`${gw.url}/healthz`, { headersTimeout: 10_000, bodyTimeout: 10_000 });
    await h.body.text();
    probes.push(h.statusCode === 200 ? performance.now() - p0 : Infinity);
    if (!done) await new Promise((r) => setTimeout(r, 50));
  } while (!done);
  delay.disable();
  return { result: await settled, probes, heldMs: delay.max / 1e6 };
}

t.test('a long record is screened off the event loop, and what it hides deep inside is still found', async (t) => {
  const gw = await gateway(t);
  const served = await restrictedOutput(gw);
  // The output ROT13'd, then words run together and reversed, each between hundreds of KB of mail: the
  // costliest readings, seconds of detection on one core.
  const record = `${mail(400)}\n\n${rot13(served.text)}\n\n${mail(200)}\n\n${reversed(wordsRunTogether(served.text))}\n\n${mail(200)}`;
  const { result: r, probes, heldMs } = await probed(gw, asTrainingData(gw, record));
  t.equal(r.status, 403, 'refused');
  t.match(r.body.error?.message, served.id, 'names the decision whose output it hides');
  t.ok(probes.length >= 3, `/healthz probed ${probes.length} times while the record was screened`);
  t.ok(Math.max(...probes) < 1_000, `/healthz answered within 1 s throughout (slowest ${Math.round(Math.max(...probes))} ms)`);
  t.ok(heldMs < 500, `the event loop was never held half a second (longest ${Math.round(heldMs)} ms)`);

  // The same length of mail alone is admitted: a long record is not refused for its length.
  const plain = await asTrainingData(gw, mail(800));
  t.equal(plain.status, 200, 'a long record of unrelated text is forwarded');
});

t.test('an output served just before a long record is in the index its thread reads', async (t) => {
  const gw = await gateway(t);
  const r = await postAs(gw, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Explain how tides are predicted, in detail.' }] });
  const text = (r.body.choices[0].message.content as string).replace(SELECTOR, '');
  // No wait for the index: the output may still be in the batch not yet committed.
  const refused = await asTrainingData(gw, `${mail(100)}\n\n${rot13(text)}`);
  t.equal(refused.status, 403);
  t.match(refused.body.error?.message, r.id);
});

t.test('no detection thread free: the record is refused, not admitted unscreened', async (t) => {
  const gw = await gateway(t, (c) => {
    c.provenance.detection.threads = 1;
    c.provenance.detection.queueMax = 0;
  });
  await restrictedOutput(gw);
  const calls = await Promise.all([0, 1, 2].map(() => asTrainingData(gw, mail(600))));
  const busy = calls.filter((c) => c.status === 403 && /could not be screened.*busy/.test(c.body.error?.message ?? ''));
  // What each call got, in the messages: a failure here (once in CI, under load) then says why.
  const got = calls.map((c) => `${c.status} ${c.body.error?.message ?? ''}`.slice(0, 160)).join(' | ');
  t.ok(busy.length >= 1, `${busy.length} of 3 concurrent long records found no thread and were refused (${got})`);
  t.ok(calls.every((c) => c.status === 200 || busy.includes(c)), `every other one was screened and forwarded (${got})`);
  t.same(
    (await feedDecisionIds(gw)).filter((id) => busy.some((b) => b.id === id)),
    [],
    'no refused record reached the feed',
  );
});

t.test('a detection past its budget refuses the record, naming the budget', async (t) => {
  const gw = await gateway(t, (c) => {
    c.provenance.detection.budgetMs = 1_000;
  });
  const served = await restrictedOutput(gw);
  // Megabytes of words run together and reversed: many seconds of readings, far past a second.
  const record = reversed(wordsRunTogether(`${mail(2_000)} ${served.text}`));
  const r = await asTrainingData(gw, record);
  t.equal(r.status, 403);
  t.match(r.body.error?.message, /could not be screened.*within 1000 ms/);
});

t.test('the detection route reads a long batch off the event loop', async (t) => {
  const gw = await gateway(t);
  const served = await restrictedOutput(gw);
  const texts = [mail(300), `${mail(300)}\n\n${rot13(served.text)}`, mail(300)];
  const { result: res, probes, heldMs } = await probed(
    gw,
    fetch(`${gw.url}/admin/v1/provenance/detect`, { method: 'POST', headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ texts }) }).then(async (r) => ({ status: r.status, body: (await r.json()) as { results: Array<{ restricted: boolean; decision_id: string | null }> } })),
  );
  t.equal(res.status, 200);
  t.same(res.body.results.map((r) => r.restricted), [false, true, false], 'only the text that hides the output is restricted');
  t.equal(res.body.results[1].decision_id, served.id);
  t.ok(Math.max(...probes) < 1_000, `/healthz answered within 1 s throughout (slowest ${Math.round(Math.max(...probes))} ms)`);
  t.ok(heldMs < 500, `the event loop was never held half a second (longest ${Math.round(heldMs)} ms)`);
});

t.test("a provider's long answer, fingerprinted on a thread, is traced by the next training record at once", async (t) => {
  // A provider on loopback whose answer is 6 MB of prose (the mail corpus three times over).
  const answer = [mail(2_048), mail(2_048), mail(2_048)].join('\n\n');
  const provider = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'chatcmpl-long', object: 'chat.completion', created: 0, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 1_500_000, total_tokens: 1_500_003 } }));
    });
  });
  await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise((r) => provider.close(r)));
  const gw = await gateway(t, (c) => {
    c.providers.long = { kind: 'openai', baseUrl: `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1`, apiKeyEnv: 'TERMSGATE_TEST_PROVIDER_KEY', licence: 'openai-services-agreement' };
    c.models['long-model'] = { provider: 'long', upstreamModel: 'gpt-4o-mini' };
  });
  // The answer is remembered as the call completes. How long the loop is held meanwhile is a figure for a
  // benchmark, not a bound for a test (1.4 s before, 0.14–0.41 s after on an idle machine, 1.03 s under CI's
  // load): what is asserted is that the output fingerprinted on the thread is traced at once.
  const r = await postAs(gw, '/v1/chat/completions', { model: 'long-model', messages: [{ role: 'user', content: 'Write me everything.' }] });
  t.equal(r.status, 200);
  // Its first megabyte, sent at once as training data: the index has it (a long output keeps as many samples
  // as a short one, so a small excerpt of one is below what its fingerprint can tell).
  const refused = await asTrainingData(gw, `Tidy this up.\n\n${answer.slice(0, 1 << 20)}`);
  t.equal(refused.status, 403);
  t.match(refused.body.error?.message, r.id, 'names the long answer');
});

t.test('meaning on: a record past what meaning checks is refused at once, before any detection reads it', async (t) => {
  const gw = await gateway(t, () => {}, true);
  const r = await asTrainingData(gw, mail(1_024));
  t.equal(r.status, 403);
  // Admission's own refusal, not meaning's ("too long to be checked by meaning"), which comes after the words were detected.
  t.match(r.body.error?.message, /too long to be screened for restricted outputs \(\d+ characters as stored, more than provenance\.semantic\.maxRecordChars, 131072\)/);
});
