// What every browser suite needs: Debian's Chromium launched headless the way this machine allows, a
// console built into the suite's own directory (suites run in parallel and must not rebuild one
// another's), where screenshots go, and axe-core's accessibility check.
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildConsole } from '../../gateway/console/build.js';
import { packageRoot } from '../../gateway/core/package-root.js';

const chromiumPath = process.env.TERMSGATE_CHROMIUM ?? '/usr/bin/chromium';

/** Builds the console into a fresh directory and points the gateway at it (TERMSGATE_CONSOLE_DIR). */
export async function buildSuiteConsole(): Promise<void> {
  process.env.TERMSGATE_CONSOLE_DIR = await mkdtemp(join(tmpdir(), 'termsgate-console-'));
  await buildConsole(process.env.TERMSGATE_CONSOLE_DIR);
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    t.fail(`chromium not found at ${chromiumPath} (make setup installs it)`);
    process.exit(1);
  }
  return chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

// The README's screenshots are refreshed only on request (`make screenshots`), so a test run never
// rewrites tracked files; otherwise they are still taken, into a scratch directory.
const shotDir = process.env.TERMSGATE_SCREENSHOTS === 'docs' ? join(packageRoot, 'docs') : await mkdtemp(join(tmpdir(), 'termsgate-shots-'));

export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(shotDir, `console-${name}.png`), fullPage: true });
}

let axeSource: string | undefined;

/** Serious or critical axe-core violations on the page as it is now, each with the elements it names. */
export async function axeViolations(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(join(packageRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await (globalThis as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}
