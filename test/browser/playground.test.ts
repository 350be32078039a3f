// End to end through the Microsoft 365 Agents Playground: the real Cadans (local mode, fresh
// database), the playground as a child process, and headless Chromium clicking through its UI.
// Also makes the README screenshot (docs/images/playground.png).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground, type Playground } from '../../src/local/playground.js';
import { ROOT_DIR, startTestCadans, testLogger, type TestCadans } from '../support/harness.js';
import { findChromium, launchChromium, type LaunchedChromium } from './chromium.js';

const chromiumLookup = findChromium();
const RESULTS_DIR = path.join(ROOT_DIR, 'test-results');
const DOCS_SCREENSHOT = path.join(ROOT_DIR, 'docs', 'images', 'playground.png');
const VIEWPORT = { width: 1280, height: 800 };
/** One UI step (a click, a bot answer): the whole flow normally takes a few seconds. */
const STEP_MS = 15_000;

let cadans: TestCadans | undefined;
let playground: Playground | undefined;
let chromium: LaunchedChromium | undefined;
let page: Page | undefined;
let tmpDir: string | undefined;

beforeAll(async () => {
  if (!chromiumLookup.found) return; // the test itself reports skip or failure
  tmpDir = mkdtempSync(path.join(os.tmpdir(), 'cadans-playground-'));
  cadans = await startTestCadans(); // local mode: no authentication, mock people seeded
  // Port 0: the playground picks a free port itself, so a developer's `npm start` (56150) is left alone.
  // cwd is the repo root, where it reads .m365agentsplayground.yml.
  playground = await startPlayground({
    rootDir: ROOT_DIR,
    botUrl: cadans.url,
    port: 0,
    logDir: path.join(tmpDir, 'logs'),
    log: testLogger(),
  });
  chromium = await launchChromium(chromiumLookup.executablePath);
  page = await chromium.browser.newPage({ viewport: VIEWPORT, locale: 'nl-NL' });
  page.setDefaultTimeout(STEP_MS);
});

afterAll(async () => {
  // Each step on its own: a failure in one must not leave the others running; report them after.
  const problems: unknown[] = [];
  await chromium?.close();
  await playground?.stop().catch((err: unknown) => problems.push(err));
  await cadans?.close().catch((err: unknown) => problems.push(err));
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  if (problems.length > 0) throw new AggregateError(problems, 'stopping the playground or Cadans failed');
});

describe('the Agents Playground (browser)', () => {
  it('shows the help card for "help" and answers the Peilingen button', { timeout: 60_000 }, async (ctx) => {
    if (!chromiumLookup.found) {
      if (process.env.CI === 'true') throw new Error(chromiumLookup.message);
      console.warn(chromiumLookup.message);
      ctx.skip(chromiumLookup.message);
    }
    const p = page!;
    ctx.onTestFailed(async () => {
      mkdirSync(RESULTS_DIR, { recursive: true });
      await p.screenshot({ path: path.join(RESULTS_DIR, 'playground-failure.png') }).catch(() => undefined);
      writeFileSync(path.join(RESULTS_DIR, 'playground-failure.html'), await p.content().catch(() => ''));
    });

    await p.goto(playground!.url, { waitUntil: 'domcontentloaded' });
    // A role="treeitem" button: getByRole('button') does not find it.
    await p.locator('button[aria-label="Personal Chat"]').click();

    const compose = p.locator('[data-lexical-editor="true"][role="textbox"]');
    await compose.click();
    await compose.pressSequentially('help');
    await compose.press('Enter');

    // The mock people are Dutch speakers (src/local/seed.ts). The welcome card also carries a
    // "Wat kan Cadans?" button, so look for the card whose heading that is.
    const helpCard = p
      .locator('.ac-adaptiveCard')
      .filter({ has: p.getByRole('heading', { name: 'Wat kan Cadans?' }) })
      .last();
    await helpCard.waitFor({ state: 'visible' });

    await helpCard.getByRole('button', { name: 'Peilingen', exact: true }).click();
    const coming = p.locator('.ac-adaptiveCard').filter({ hasText: 'Komt eraan' }).last();
    await coming.waitFor({ state: 'visible' });
    await expect(coming.innerText()).resolves.toContain('Peilingen is nog in aanbouw');

    // The screenshot is for people: without the developer log panel the conversation gets the room.
    const hideLog = p.locator('button[title="Hide log panel"]');
    if (await hideLog.isVisible()) {
      await hideLog.click();
      await hideLog.waitFor({ state: 'hidden' });
    }
    mkdirSync(RESULTS_DIR, { recursive: true });
    const png = await p.screenshot({ path: path.join(RESULTS_DIR, 'playground.png') });
    if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(DOCS_SCREENSHOT)) {
      mkdirSync(path.dirname(DOCS_SCREENSHOT), { recursive: true });
      writeFileSync(DOCS_SCREENSHOT, png);
    }
  });
});
