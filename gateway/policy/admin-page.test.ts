// The legal team's page in a real browser: load with a token, edit the catalogue, stage, validate,
// dry-run, activate, then roll back from the history table.
import t from 'tap';
import Fastify from 'fastify';
import { existsSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ControlTokens } from '../auth/control-tokens.js';
import { hashSecret } from '../auth/secret-hash.js';
import { policyAdminRoutes } from './admin-routes.js';
import { createPolicyStore } from './store.js';

const chromiumPath = process.env.TERMSGATE_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  t.fail(`chromium not found at ${chromiumPath} (apt-get install -y chromium)`);
} else {
  const editor = 'tok-editor-page-0123456789';
  const dir = await mkdtemp(join(tmpdir(), 'tg-page-'));
  await cp(join(import.meta.dirname, '..', '..', 'policies'), dir, { recursive: true });
  const store = await createPolicyStore({ dir, dataDir: await mkdtemp(join(tmpdir(), 'tg-page-data-')), pollIntervalMs: 1000, logger: { info() {}, warn() {}, error() {} }, watch: false });
  const app = Fastify();
  policyAdminRoutes(app, { store, tokens: new ControlTokens([{ id: 'e', hash: hashSecret(editor), role: 'policy-editor' }]) });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  t.teardown(async () => {
    await browser.close();
    await app.close();
    await store.close();
  });
  const revA = store.status().active.revision;

  t.test('edit, stage, validate, dry-run, activate, roll back', async (t) => {
    const page = await browser.newPage();
    await page.goto(`${url}/admin/ui/policies`);
    await page.fill('#token', editor);
    await page.click('#load');
    await page.waitForFunction((rev) => document.getElementById('active')?.textContent === rev, revA);
    await page.selectOption('#file', 'data/company.json');
    const text = await page.inputValue('#editor');
    await page.fill('#editor', text.replace('"Answering customer support tickets."', '"Answering customer support tickets and chats."'));
    await page.click('#stage');
    await page.waitForFunction(() => document.getElementById('msg')?.textContent === 'staged');
    const candidate = await page.textContent('#candidate');
    t.match(candidate, /^[0-9a-f]{16}$/);
    t.not(candidate, revA);
    await page.click('#validate');
    await page.waitForFunction(() => document.getElementById('msg')?.textContent === 'valid', undefined, { timeout: 30_000 });
    t.match(await page.textContent('#output'), /ok\s+build/);
    await page.click('#dryrun');
    await page.waitForFunction(() => /recent decisions would change/.test(document.getElementById('msg')?.textContent ?? ''));
    await page.click('#activate');
    await page.waitForFunction((rev) => document.getElementById('active')?.textContent === rev, candidate);
    t.equal(store.status().active.revision, candidate);
    await page.click(`button[data-revision="${revA}"]`);
    await page.waitForFunction((rev) => document.getElementById('active')?.textContent === rev, revA);
    t.equal(store.status().active.revision, revA);
    t.equal(await page.locator('#history tr').count(), 3);
  });
}
