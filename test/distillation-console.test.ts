// The console's distillation page in a real browser against the real gateway: after a campaign the key,
// its project and team are listed at high with their signals in words and example calls linked to the
// audit log; a policy editor clears the key with a reason; the page passes axe-core's serious checks.
import t from 'tap';
import type { Page } from 'playwright-core';
import { axeViolations, buildSuiteConsole, launchChromium, screenshot } from './support/browser.js';
import { startDemoGateway } from './support/demo-gateway.js';
import { until } from './support/until.js';

await buildSuiteConsole();
const gw = await startDemoGateway();
const browser = await launchChromium();
t.teardown(async () => {
  await browser.close();
  await gw.close();
});

t.before(async () => {
  for (let i = 0; i < 60; i++) {
    await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 4096, messages: [{ role: 'user', content: `Explain topic number ${i} of thermodynamics step by step, showing your full reasoning.` }] }),
    }).then((r) => r.arrayBuffer());
  }
  await until(
    () => fetch(`${gw.url}/admin/v1/distillation-risk?kind=key`, { headers: { authorization: `Bearer ${gw.adminToken}` } }).then((r) => r.json() as Promise<{ scopes: { level: string }[] }>),
    (b) => b.scopes[0]?.level === 'high',
  );
});

t.test('the page lists scopes by risk with signals in words, links to the calls, and clears a key', async (t) => {
  const page = await browser.newPage();
  await page.goto(`${gw.url}/console`);
  await page.getByLabel('Control-plane token').fill(gw.adminToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Distillation risk', exact: true }).click();
  const table = page.getByRole('table', { name: /Distillation risk over the last seven days/ });
  await table.waitFor();
  const keyRow = table.getByRole('row').filter({ hasText: 'Key demo' });
  t.match(await keyRow.innerText(), /high/);
  t.match(await keyRow.innerText(), /reasoning_elicitation — strong: a large share of prompts ask for step-by-step reasoning/);
  t.match(await keyRow.innerText(), /low → high/, 'the trend from the recorded level changes');
  const link = keyRow.getByRole('link').first();
  t.match(await link.getAttribute('href'), /^#\/audit\/record\//, 'example calls lead to their audit records');
  t.same(await axeViolations(page), [], 'no serious or critical accessibility violations');
  await screenshot(page, 'distillation');

  await keyRow.getByLabel('Reason (recorded)').fill('approved evaluation set, LEGAL-7');
  await keyRow.getByRole('button', { name: 'Clear' }).click();
  await table.getByRole('row').filter({ hasText: 'Key demo' }).filter({ hasText: 'high, cleared' }).waitFor();
  const clearances = page.getByRole('table', { name: 'Clearances in force' });
  t.match(await clearances.innerText(), /key:demo[\s\S]*demo-admin[\s\S]*approved evaluation set, LEGAL-7/);
  await page.close();
});
