// The legal team's console in Debian's Chromium against a real gateway (demo configuration, mock
// provider): sign in, change a team's allowed models through the form, preview the impact on recorded
// calls, activate with a reason, see the next call decided by the new revision, roll back; the auditor's
// view; accessibility (axe-core) and screenshots of each screen (under docs/ with `make screenshots`).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { request } from 'undici';
import { hashSecret } from '../gateway/core/secret-hash.js';
import { packageRoot } from '../gateway/core/package-root.js';
import { axeViolations, buildSuiteConsole, launchChromium, screenshot } from './support/browser.js';
import { startDemoGateway } from './support/demo-gateway.js';

await buildSuiteConsole();
const editorToken = 'tge-' + randomBytes(12).toString('hex');
const auditorToken = 'tgu-' + randomBytes(12).toString('hex');
const researchKey = 'tg-research-' + randomBytes(12).toString('hex');
const gw = await startDemoGateway((config) => {
  config.audit.checkpointIntervalMs = 1000;
  config.tokens.push({ id: 'legal-editor', hash: hashSecret(editorToken), role: 'policy-editor' }, { id: 'auditor-1', hash: hashSecret(auditorToken), role: 'auditor' });
  config.keys.push({ id: 'research-1', hash: hashSecret(researchKey), team: 'ml-research', project: 'distil', defaultPurpose: 'general', allowedPurposes: ['general', 'evaluation', 'training-data'] });
  // A deployment that moved to another commit than the one the catalogue entry was read at: a finding.
  config.models['qwen2.5-72b-next'] = { provider: 'vllm', upstreamModel: 'Qwen/Qwen2.5-72B-Instruct', revision: 'ffffffffffffffffffffffffffffffffffffffff', licence: 'qwen2.5-72b-instruct' };
});
const browser = await launchChromium();
t.teardown(async () => {
  await browser.close();
  await gw.close();
});


async function chat(key: string, model: string, purpose = 'general') {
  const res = await request(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-termsgate-purpose': purpose },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Summarise the rules of chess in two sentences.' }] }),
  });
  const body = (await res.body.json()) as { choices?: Array<{ message: { content: string } }> };
  return { status: res.statusCode, headers: res.headers, body };
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${gw.url}/console`);
  await page.getByLabel('Control-plane token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Console sections' }).waitFor();
}

const go = (page: Page, screen: string) => page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: screen, exact: true }).click();

/** Every page the tests open fails the test on a CSP violation or a request leaving the gateway. */
async function newPage(t: Tap.Test): Promise<Page> {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) t.fail(`CSP: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(gw.url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) t.fail(`request left the gateway: ${r.url()}`);
  });
  return page;
}

t.before(async () => {
  // Calls to replay: ml-research uses three models before the change.
  for (const model of ['deepseek-r1', 'deepseek-r1', 'deepseek-r1', 'qwen2.5-7b-instruct', 'gpt-4o-mini']) {
    const r = await chat(researchKey, model);
    if (r.status !== 200) throw new Error(`seed call to ${model} answered ${r.status}`);
  }
});

t.test('the page and its assets: strict CSP, hashed assets cached for a year, index revalidated', async (t) => {
  const index = await request(`${gw.url}/console`);
  const html = await index.body.text();
  t.equal(index.statusCode, 200);
  t.equal(index.headers['cache-control'], 'no-cache');
  t.match(index.headers["content-type"], /^text\/html/);
  t.match(index.headers['content-security-policy'], /default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'/);
  t.notMatch(html, /<script>|<style>|https?:\/\//, 'no inline code and no external URL in the page');
  const script = /src="(\/console\/assets\/console-[A-Z0-9]+\.js)"/.exec(html)![1];
  const asset = await request(`${gw.url}${script}`);
  const served = Buffer.from(await asset.body.arrayBuffer());
  t.ok(served.equals(readFileSync(join(process.env.TERMSGATE_CONSOLE_DIR!, script.replace('/console/', '')))), 'the bundle is served byte for byte as built');
  t.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
  const again = await request(`${gw.url}${script}`, { headers: { 'if-none-match': String(asset.headers.etag) } });
  await again.body.dump();
  t.equal(again.statusCode, 304);
  const missing = await request(`${gw.url}/console/assets/..%2f..%2fpackage.json`);
  await missing.body.dump();
  t.equal(missing.statusCode, 404);
});

t.test('a wrong token is refused; the token never reaches the URL or storage', async (t) => {
  const page = await newPage(t);
  await page.goto(`${gw.url}/console`);
  await page.getByLabel('Control-plane token').fill('not-a-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That token was not accepted.').waitFor();
  await signIn(page, editorToken);
  t.notMatch(page.url(), editorToken);
  const stored = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie]));
  t.notMatch(stored, editorToken);
  await page.close();
});

t.test('keyboard only: sign in, reach the Rego editor, type into it', async (t) => {
  const page = await newPage(t);
  await page.goto(`${gw.url}/console`);
  await page.getByLabel('Control-plane token').waitFor();
  t.equal(await page.evaluate(() => document.activeElement?.id), await page.getByLabel('Control-plane token').getAttribute('id'), 'focus starts in the token field');
  await page.keyboard.type(editorToken);
  await page.keyboard.press('Enter');
  const nav = page.getByRole('navigation', { name: 'Console sections' });
  await nav.waitFor();
  // After sign-in focus is on the screen's content; Tab walks its links in reading order.
  await page.keyboard.press('Tab');
  const order: string[] = [];
  for (let i = 0; i < 8; i++) {
    order.push(await page.evaluate(() => document.activeElement?.textContent ?? ''));
    if (order.at(-1) === 'Rego') break;
    await page.keyboard.press('Tab');
  }
  t.equal(order.at(-1), 'Rego', `reached by Tab: ${order.join(' → ')}`);
  await page.keyboard.press('Enter');
  await page.locator('.cm-editor').waitFor();
  await page.getByLabel('File').selectOption('request/access.rego');
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n# reviewed\n');
  t.ok(await page.locator('.cm-content').getByText('# reviewed').isVisible(), 'the editor takes input');
  t.ok((await page.locator('.cm-editor .cm-line span').count()) > 10, 'Rego is highlighted');
  t.same(await axeViolations(page), [], 'Rego editor: no serious accessibility violations');
  await screenshot(page, 'rego');
  await page.getByRole('button', { name: 'Put this file in my draft' }).click();
  await page.getByRole('link', { name: 'Review the draft' }).click();
  await page.locator('table.diff').waitFor();
  t.ok(await page.locator('table.diff td.ins', { hasText: '# reviewed' }).isVisible(), 'the Rego change is shown side by side');
  await page.getByRole('button', { name: 'Discard draft' }).click();
  await page.close();
});

t.test('read the licence table; edit an entry by form and check it as a change', async (t) => {
  const page = await newPage(t);
  await signIn(page, editorToken);
  await go(page, 'Licences');
  const table = page.locator('table.licences');
  await table.waitFor();
  const qwen = table.locator('tr', { hasText: 'Qwen/Qwen2.5-7B-Instruct' });
  t.match(await qwen.textContent(), /Apache License 2\.0.*Yes.*Grant of Copyright License/s, 'agreement, may train, quoted clause with its section');
  const openai = table.locator('tr', { hasText: 'openai API (business terms)' });
  t.match(await openai.textContent(), /No: not for models that compete with the provider/);
  t.equal(await openai.getByRole('link', { name: 'source' }).getAttribute('href'), 'https://openai.com/policies/services-agreement/');
  const qwen72 = table.locator('tr', { hasText: 'Qwen/Qwen2.5-72B-Instruct' });
  t.match(await qwen72.textContent(), /@ 347606f5a6be8834d71d1321440b180e14fb19b0.*dated 2024-09-19.*model released 2024-09-19/s, 'the pin and the dates');
  const findings = await page.locator('#licence-findings li').allTextContents();
  t.same(findings, ['qwen2.5-72b-next: qwen2.5-72b-instruct covers revision 347606f5a6be8834d71d1321440b180e14fb19b0, not ffffffffffffffffffffffffffffffffffffffff'], 'a served revision other than the pinned one is a finding');
  t.same(await axeViolations(page), [], 'licences: no serious accessibility violations');
  await screenshot(page, 'licences');
  await page.getByRole('button', { name: 'Edit qwen2.5-7b-instruct' }).click();
  await page.getByLabel('Notes').fill('Apache-2.0: no condition on training. Reviewed by legal, ticket LEGAL-7.');
  await page.getByLabel('Notes').blur();
  await page.getByRole('button', { name: 'Review this change' }).click();
  await page.getByRole('button', { name: 'Check this change' }).waitFor();
  const words = await page.locator('ul.words li').allTextContents();
  t.equal(words.length, 1, words.join('\n'));
  t.match(words[0], /^Entry "qwen2\.5-7b-instruct": notes changed from ".*" to "Apache-2\.0: no condition on training\. Reviewed by legal, ticket LEGAL-7\."\.$/);
  await page.getByRole('button', { name: 'Check this change' }).click();
  await page.getByText('The change passed its checks.').waitFor({ timeout: 90_000 });
  await page.getByRole('button', { name: 'Discard draft' }).click();
  await page.close();
});

t.test('change a team’s models by form, preview, activate with a reason, see it decide, roll back', async (t) => {
  const page = await newPage(t);
  await signIn(page, editorToken);
  await go(page, 'Company rules');
  const team = page.locator('fieldset[data-team="ml-research"]');
  await team.getByLabel('Any model').uncheck();
  await team.getByLabel(/^gpt-4o-mini /).check();
  await team.getByLabel(/^qwen2\.5-7b-instruct /).check();
  t.equal(await page.getByLabel(/^openai-services-agreement\/permitted-exception: /).isChecked(), false, "OpenAI's Permitted Exception is offered, and off");
  t.equal(await page.getByLabel("Monthly active users of the company's products and services").inputValue(), '0');
  t.same(await axeViolations(page), [], 'company rules form: no serious accessibility violations');
  await screenshot(page, 'company-rules');
  await page.getByRole('button', { name: 'Review this change' }).click();
  await page.getByRole('button', { name: 'Check this change' }).waitFor();
  const words = await page.locator('ul.words li').allTextContents();
  t.same(words, ['Team ml-research may use models: now also gpt-4o-mini, qwen2.5-7b-instruct', 'Team ml-research may use models: no longer any, only those listed']);
  const activeBefore = await page.locator('#active-revision').textContent();
  await page.getByRole('button', { name: 'Check this change' }).click();
  await page.getByText('The change passed its checks.').waitFor({ timeout: 90_000 });
  await page.getByRole('button', { name: 'Preview the impact' }).click();
  const impact = page.locator('table.impact');
  await impact.waitFor();
  const sentence = '3 calls from team ml-research to deepseek-r1 with purpose general would now be denied (rule access.model_not_allowed)';
  t.ok(await impact.getByText(sentence).isVisible(), sentence);
  t.equal(await impact.locator('tbody tr').count(), 1, 'only the calls that change are listed');
  t.equal(await impact.locator('tbody tr code').count(), 3, 'three example decisions (an editor may not open audit records)');
  t.same(await axeViolations(page), [], 'change screen: no serious accessibility violations');
  await screenshot(page, 'change-impact');
  await page.getByRole('button', { name: 'Activate these rules' }).click();
  await page.getByText('Say why this change is made before activating it.').waitFor();
  await page.getByLabel('Why is this change made? (kept in the history)').fill('Research may only use reviewed models (ticket LEGAL-42).');
  await page.getByRole('button', { name: 'Activate these rules' }).click();
  await page.getByText(/is now in force\.$/).waitFor({ timeout: 30_000 });
  const activeAfter = (await page.locator('#active-revision').textContent())!;
  t.not(activeAfter, activeBefore);
  t.ok(await page.locator('table.history').getByText('Research may only use reviewed models (ticket LEGAL-42).').isVisible(), 'the history says why');
  t.ok(await page.locator('table.history').getByText('legal-editor').first().isVisible(), 'and who');

  const denied = await chat(researchKey, 'deepseek-r1');
  t.equal(denied.status, 403, 'the next call is decided by the new revision');
  const allowed = await chat(researchKey, 'qwen2.5-7b-instruct');
  t.equal(allowed.status, 200);
  t.equal(allowed.headers['x-termsgate-policy-revision'], activeAfter);
  await screenshot(page, 'history');

  await page.getByLabel('Reason for a roll back').fill('Undo: the research team needs DeepSeek for the evaluation this week.');
  await page.locator(`button[data-revision="${activeBefore}"]`).click();
  await page.getByText(`Rolled back to revision ${activeBefore}.`).waitFor({ timeout: 30_000 });
  t.equal(await page.locator('#active-revision').textContent(), activeBefore);
  t.equal((await chat(researchKey, 'deepseek-r1')).status, 200, 'after the roll back the call is allowed again');
  await page.close();
});

t.test('audit log: filter to a denied call, open it with its clause and a verified proof, export CSV and verify it with the CLI', async (t) => {
  const denied = await chat(researchKey, 'gpt-4o-mini', 'training-data');
  t.equal(denied.status, 403);
  const deniedId = String(denied.headers['x-termsgate-decision-id']);
  const page = await newPage(t);
  await signIn(page, auditorToken);
  await go(page, 'Audit log');
  await page.getByLabel('Team').fill('ml-research');
  await page.getByLabel('Decision').selectOption('deny');
  await page.getByLabel('Rule').fill('terms.training_forbidden');
  await page.getByRole('button', { name: 'Show calls' }).click();
  const rows = page.locator('table.records tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('table.records tbody tr').length === 1);
  t.same(await rows.locator('td:nth-child(7)').allTextContents(), ['terms.training_forbidden'], 'one denied call matches');
  t.same(await axeViolations(page), [], 'audit log: no serious accessibility violations');
  await screenshot(page, 'audit');

  const download = page.waitForEvent('download');
  await page.getByLabel('Format').selectOption('csv');
  await page.getByRole('button', { name: 'Export these calls' }).click();
  const file = join(gw.dataDir, 'console-export.csv');
  await (await download).saveAs(file);
  await page.getByText(/^Exported audit-\d+\.csv\./).waitFor();
  // The console shows the command with the log's key to pin (read from the control plane, not the file).
  const command = (await page.locator('code', { hasText: 'termsgate audit verify --key' }).textContent())!;
  const key = /--key (\S+)/.exec(command)![1];
  const cli = spawnSync(process.execPath, [join(packageRoot, 'dist', 'gateway', 'cli', 'main.js'), 'audit', 'verify', '--key', key, file], { encoding: 'utf8' });
  t.equal(cli.status, 0, cli.stdout + cli.stderr);
  t.match(cli.stdout, /csv export, 1 records/);

  await rows.first().getByRole('link').click();
  await page.getByRole('heading', { name: 'Recorded call' }).waitFor();
  t.ok(await page.getByText(deniedId).isVisible(), 'the record of the denied call');
  t.ok(await page.locator('blockquote').first().isVisible(), 'the clause is quoted');
  // The gateway signs a checkpoint every few seconds; "Check again" until it covers the record.
  for (let i = 0; i < 30 && (await page.locator('.proof[data-status="pending"]').count()) > 0; i++) {
    await page.waitForTimeout(1000);
    await page.locator('.proof[data-status="pending"] button').first().click();
  }
  await page.locator('.proof[data-status="verified"]').first().waitFor();
  t.match(await page.locator('.proof').first().textContent(), /✓ Verified: this record is entry \d+ of the log's signed checkpoint/);
  t.same(await axeViolations(page), [], 'record detail: no serious accessibility violations');
  await screenshot(page, 'record');
  await page.close();
});

t.test('overview charts and the provenance check of a served output', async (t) => {
  const served = await chat(researchKey, 'qwen2.5-7b-instruct');
  t.equal(served.status, 200);
  const output = served.body.choices![0].message.content;
  const servedId = String(served.headers['x-termsgate-decision-id']);
  const page = await newPage(t);
  await signIn(page, auditorToken);
  await go(page, 'Overview');
  await page.locator('.chart canvas').nth(4).waitFor();
  t.equal(await page.locator('.chart canvas').count(), 5, 'five charts');
  const numbers = await page.locator('.chart table').first().evaluate((table) => table.textContent);
  t.match(numbers, /Allowed/, 'each chart has its numbers as a table');
  t.match(await page.locator('.chart').nth(1).locator('.hint').textContent(), /access\.model_not_allowed|terms\.training_forbidden/, 'denials by rule name the rules');
  t.same(await axeViolations(page), [], 'overview: no serious accessibility violations');
  await screenshot(page, 'overview');

  await go(page, 'Provenance check');
  await page.getByLabel('Text to check').fill(`Quoted in a report: ${output}`);
  await page.getByRole('button', { name: 'Check provenance' }).click();
  const spans = page.locator('table.spans tbody tr');
  await spans.first().waitFor();
  const first = spans.first();
  t.ok(await first.getByText(servedId).isVisible(), 'the span names the call that served it');
  t.ok(await first.getByRole('cell', { name: 'qwen2.5-7b-instruct', exact: true }).isVisible(), 'its licence');
  t.ok(await first.getByText('may train', { exact: true }).isVisible(), 'and that it may train');
  t.same(await axeViolations(page), [], 'provenance: no serious accessibility violations');
  await screenshot(page, 'provenance');

  const jsonl = [JSON.stringify({ text: output }), JSON.stringify('An unrelated sentence written by a person for this test only.')].join('\n');
  await page.getByLabel(/Or a JSON Lines file/).setInputFiles({ name: 'dataset.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(jsonl) });
  await page.getByRole('button', { name: 'Check provenance' }).click();
  const said = page.getByText(/^2 texts checked:/);
  await said.waitFor();
  t.match(await said.textContent(), /^2 texts checked: 1 traced to the gateway \(\d+ spans?\); 0 may not be used/, 'the dataset row that was served is traced, the other is not');
  await page.close();
});

t.test('an auditor sees no change buttons, and the API refuses them anyway', async (t) => {
  const page = await newPage(t);
  await signIn(page, auditorToken);
  await go(page, 'Changes');
  await page.getByRole('heading', { name: 'History' }).waitFor();
  t.equal(await page.getByRole('button', { name: /Activate|Roll back|Check this change/ }).count(), 0);
  t.equal(await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Rego' }).count(), 0);
  const status = await page.evaluate(async (token) => {
    const r = await fetch('/admin/v1/policies/activate', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ revision: 'x', reason: 'y' }) });
    return r.status;
  }, auditorToken);
  t.equal(status, 403);
  await page.close();
});
