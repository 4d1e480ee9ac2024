// The console's Keys and Spend screens in Chromium against a real gateway: an admin creates a key
// (shown once), the key works, revoking it in the console stops it; the spend table sums recorded
// costs; an auditor sees Spend but not Keys; the page's session probe is answered 200; no serious
// accessibility violation (axe-core).
import t from 'tap';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { hashSecret } from '../gateway/core/secret-hash.js';
import { axeViolations, buildSuiteConsole, launchChromium, screenshot } from './support/browser.js';
import { startDemoGateway } from './support/demo-gateway.js';

await buildSuiteConsole();
const auditorToken = 'tgu-' + randomBytes(12).toString('hex');
const gw = await startDemoGateway((config) => {
  config.tokens.push({ id: 'auditor-1', hash: hashSecret(auditorToken), role: 'auditor' });
});
const browser = await launchChromium();
t.teardown(async () => {
  await browser.close();
  await gw.close();
});

/** A signed-in page, and every answer of 400 or more it received (the session probe included). */
async function signIn(token: string): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  page.on('response', (r) => void (r.status() >= 400 && errors.push(`${r.status()} ${new URL(r.url()).pathname}`)));
  await page.goto(`${gw.url}/console`);
  await page.getByLabel('Control-plane token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Console sections' }).waitFor();
  return { page, errors };
}

const chat = (key: string) =>
  fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }) }).then(async (r) => (await r.arrayBuffer(), r.status));

t.test('an admin creates a key, which works, and revokes it', async (t) => {
  const { page, errors } = await signIn(gw.adminToken);
  await page.getByRole('link', { name: 'Keys' }).click();
  await page.getByRole('heading', { name: 'New key' }).waitFor();
  await page.getByLabel('Team').fill('demo');
  await page.getByLabel('Key id').fill('console-1');
  await page.getByLabel('Daily budget (USD)').fill('5');
  await page.getByRole('button', { name: 'Create key' }).click();
  const shown = page.getByLabel('Key for console-1');
  await shown.waitFor();
  const key = (await shown.textContent())!.trim();
  t.match(key, /^tg-/);
  t.equal(await chat(key), 200, 'the key shown works');
  await page.getByRole('row', { name: /console-1/ }).waitFor();
  t.same(await axeViolations(page), [], 'no serious accessibility violation');
  await screenshot(page, 'keys');
  await page.getByRole('button', { name: 'Revoke console-1' }).click();
  await page.getByRole('cell', { name: 'revoked' }).waitFor();
  t.equal(await chat(key), 401, 'revoked in the console, refused at once');
  t.equal(await page.getByLabel('Key for console-1').count(), 0, 'the key is no longer on the page');

  await page.getByRole('link', { name: 'Spend' }).click();
  await page.getByRole('table', { name: /Spend by team/ }).waitFor();
  t.ok(await page.getByRole('row', { name: /^demo\b/ }).count(), 'the spend table has the team');
  t.same(await axeViolations(page), []);
  await screenshot(page, 'spend');
  t.same(errors, [], 'no request of the page was refused: the session probe answers 200');
});

t.test('an auditor sees Spend but not Keys', async (t) => {
  const { page, errors } = await signIn(auditorToken);
  t.equal(await page.getByRole('link', { name: 'Spend' }).count(), 1);
  t.equal(await page.getByRole('link', { name: 'Keys' }).count(), 0);
  t.same(errors, [], 'no request of the page was refused: the session probe answers 200');
});
