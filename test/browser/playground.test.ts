// End to end through the Microsoft 365 Agents Playground: the real Cadans (local mode, fresh
// database), the playground as a child process, and headless Chromium clicking through its UI.
// Also makes the README screenshots (docs/images/playground.png, playground-checklist.png, playground-survey*.png,
// playground-meetings.png, and the cards at a phone's width: playground-checklist-narrow.png,
// playground-step-narrow.png, playground-checklists-narrow.png). UPDATE_SCREENSHOTS=1 takes them again.
// The help, privacy, checklist, step and running-list cards are also checked at Teams' narrow card
// widths (320 and 500 px, see NARROW_WIDTHS).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { INSPECTION } from '../../src/checklists/templates.js';
import { startPlayground, type Playground } from '../../src/local/playground.js';
import { ROOT_DIR, startTestCadans, testLogger, type TestCadans } from '../support/harness.js';
import { findChromium, launchChromium, type LaunchedChromium } from './chromium.js';

const chromiumLookup = findChromium();
const RESULTS_DIR = path.join(ROOT_DIR, 'test-results');
const DOCS_IMAGES = path.join(ROOT_DIR, 'docs', 'images');
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

/** Skips outside CI when Chromium is missing (with the install command), fails under CI; else the page. */
function requirePage(ctx: TestContext, failureName: string): Page {
  if (!chromiumLookup.found) {
    if (process.env.CI === 'true') throw new Error(chromiumLookup.message);
    console.warn(chromiumLookup.message);
    ctx.skip(chromiumLookup.message);
  }
  const p = page!;
  ctx.onTestFailed(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    await p.screenshot({ path: path.join(RESULTS_DIR, `${failureName}.png`) }).catch(() => undefined);
    writeFileSync(path.join(RESULTS_DIR, `${failureName}.html`), await p.content().catch(() => ''));
  });
  return p;
}

/** test-results/<name>, and docs/images/<name> when asked for (UPDATE_SCREENSHOTS=1) or still missing. */
async function saveScreenshot(p: Page, name: string): Promise<void> {
  await hideLogPanel(p);
  saveImage(name, await p.screenshot());
}

/** The screenshots are for people: without the developer log panel the conversation gets the room. */
async function hideLogPanel(p: Page): Promise<void> {
  const hideLog = p.locator('button[title="Hide log panel"]');
  if (await hideLog.isVisible()) {
    await hideLog.click();
    await hideLog.waitFor({ state: 'hidden' });
  }
}

/**
 * A picture of one card, whole. A screenshot only sees what is on screen, and the conversation
 * scrolls inside the page, so a card taller than the window is cut off: the window is made tall
 * enough for a moment. Null when the card went meanwhile (the playground replaced it).
 */
async function cardPicture(p: Page, card: Locator): Promise<Buffer | null> {
  await hideLogPanel(p);
  const box = await card.boundingBox({ timeout: 2_000 }).catch(() => null);
  if (!box) return null;
  await p.setViewportSize({ width: VIEWPORT.width, height: Math.max(VIEWPORT.height, Math.ceil(box.height) + 400) });
  try {
    return await card.screenshot({ timeout: 2_000 }).catch(() => null);
  } finally {
    await p.setViewportSize(VIEWPORT);
  }
}

function saveImage(name: string, png: Buffer): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, name), png);
  const docs = path.join(DOCS_IMAGES, name);
  if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(docs)) {
    mkdirSync(DOCS_IMAGES, { recursive: true });
    writeFileSync(docs, png);
  }
}

/**
 * The card widths Teams gives a card on a narrow screen: about 320 px on a phone (Teams mobile) and
 * about 500 px in the narrow chat pane beside a meeting or another app.
 *
 * How the width is set: the card's own container is made that wide, not the browser window. Teams
 * hands the Adaptive Cards renderer a container of a given width and the card lays itself out in
 * it; that is what a narrow screen changes for a card. The playground's page is not responsive
 * (at a 320 px window its header and chat column keep their width and the card just runs off the
 * screen), so a narrow viewport would test the playground, not the card. So the test sets the
 * width of the card's element (widening the playground's wrappers around it where they would clip
 * it), measures, and puts them back.
 */
const NARROW_WIDTHS = [320, 500] as const;

/** What a user of a narrow card would notice, measured in the page (see measureNarrow). */
interface NarrowLayout {
  /** The card's rendered width, and whether anything scrolls sideways inside it. */
  width: number;
  scrollWidth: number;
  clientWidth: number;
  /** Text, inputs and buttons that stick out past the card's left or right edge. */
  outside: string[];
  /** Text or button labels cut off sideways (an ellipsis where words should be). */
  truncated: string[];
  /** Buttons that cannot be clicked: no size, or their middle covered or clipped away. */
  unreachable: string[];
  /** Every text block: its text, its left edge and width, where its first character starts, and the width of the column holding it. */
  texts: { text: string; left: number; width: number; firstLeft: number; columnWidth: number | null }[];
  /** The size of every image (the progress bar is one). */
  images: { width: number; height: number }[];
}

// In the page (a string: the test code is compiled without the DOM library). The card is found by
// the attribute markNarrow put on it; null when the playground replaced it meanwhile.
const MEASURE_NARROW = `(({ id, width, keep }) => {
  const card = document.querySelector('[data-cadans-narrow="' + id + '"]');
  if (!card) return null;
  // The card exactly this wide; the playground's wrappers around it (which clip at about 450 px)
  // as wide as it, up to the first one that has the room anyway.
  const changed = [[card, card.style.cssText]];
  card.style.cssText += ';width:' + width + 'px !important;min-width:' + width + 'px !important;max-width:' + width + 'px !important;box-sizing:border-box !important;flex:none !important';
  for (let e = card.parentElement, n = 0; e && e !== document.body && n < 8; e = e.parentElement, n++) {
    const s = getComputedStyle(e);
    if (e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) >= width) break;
    changed.push([e, e.style.cssText]);
    e.style.cssText += ';width:max-content !important;max-width:none !important;min-width:0 !important;flex:none !important';
  }
  const undo = () => { for (const [e, css] of changed) e.style.cssText = css; };
  const name = (e) => (e.getAttribute('aria-label') || e.textContent || e.tagName).trim().replace(/\\s+/g, ' ').slice(0, 60);
  const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
  try {
    const box = card.getBoundingClientRect();
    const outside = [], truncated = [], unreachable = [], texts = [];
    const texty = [...card.querySelectorAll('.ac-textBlock, .ac-fact-title, .ac-fact-value')].filter(shown);
    const buttons = [...card.querySelectorAll('button, [role="button"]')].filter(shown);
    const inputs = [...card.querySelectorAll('input, textarea, select, [role="combobox"]')].filter(shown);
    for (const e of [...texty, ...buttons, ...inputs]) {
      const r = e.getBoundingClientRect();
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5) outside.push(name(e) + ' (' + Math.round(r.left - box.left) + '..' + Math.round(r.right - box.left) + ' of ' + Math.round(box.width) + ')');
    }
    // The row menu's "…" button is an icon in a box of its own size (the playground draws it the same at any width), not words.
    for (const e of [...texty, ...buttons.filter((b) => !b.classList.contains('fui-MenuButton'))]) {
      const cut = [e, ...e.querySelectorAll('*')].some((x) => x.scrollWidth > x.clientWidth + 1 && getComputedStyle(x).overflowX !== 'visible');
      if (cut) truncated.push(name(e));
    }
    // Without scrolling (scrollIntoView also scrolls boxes that clip, which would change the layout
    // measured): a button is clipped when a box around it that hides its overflow does not hold it
    // whole, and covered when its middle, on screen, hits something else of the card.
    for (const b of buttons) {
      const r = b.getBoundingClientRect();
      let problem = '';
      for (let e = b.parentElement; e && !problem; e = e.parentElement) {
        const s = getComputedStyle(e);
        const q = e.getBoundingClientRect();
        const clipsX = s.overflowX !== 'visible';
        const clipsY = s.overflowY === 'hidden' || s.overflowY === 'clip';
        if ((clipsX && (r.left < q.left - 0.5 || r.right > q.right + 0.5)) || (clipsY && (r.top < q.top - 0.5 || r.bottom > q.bottom + 0.5))) problem = 'clipped by ' + e.tagName + '.' + String(e.className).slice(0, 40);
        if (e === card) break;
      }
      const x = r.left + r.width / 2, y = r.top + r.height / 2;
      if (!problem && x >= 0 && y >= 0 && x < innerWidth && y < innerHeight) {
        const hit = document.elementFromPoint(x, y);
        if (hit && card.contains(hit) && !(hit === b || b.contains(hit))) problem = 'covered by ' + name(hit);
      }
      if (problem) unreachable.push(name(b) + ' (' + problem + ')');
    }
    for (const t of texty.filter((e) => e.classList.contains('ac-textBlock'))) {
      const r = t.getBoundingClientRect();
      let firstLeft = r.left;
      const walk = document.createTreeWalker(t, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        const i = n.data.search(/\\S/);
        if (i < 0) continue;
        const range = document.createRange();
        range.setStart(n, i); range.setEnd(n, i + 1);
        firstLeft = range.getBoundingClientRect().left;
        break;
      }
      // The column holding it: the nearest box laid out side by side with its siblings (a ColumnSet's row).
      let columnWidth = null;
      for (let e = t; e && e !== card; e = e.parentElement) {
        const parent = e.parentElement;
        const ps = parent && getComputedStyle(parent);
        if (ps && ps.display.includes('flex') && ps.flexDirection.startsWith('row') && parent.children.length > 1) { columnWidth = e.getBoundingClientRect().width; break; }
      }
      texts.push({ text: t.textContent.trim(), left: r.left - box.left, width: r.width, firstLeft: firstLeft - box.left, columnWidth });
    }
    const images = [...card.querySelectorAll('img')].filter(shown).map((i) => { const r = i.getBoundingClientRect(); return { width: r.width, height: r.height }; });
    return { width: box.width, scrollWidth: card.scrollWidth, clientWidth: card.clientWidth, outside, truncated, unreachable, texts, images };
  } finally {
    if (!keep) undo();
    else window.cadansUndoNarrow = undo;
  }
})`;

/**
 * The card at each narrow width: nothing sticks out or scrolls sideways, no text or button label is
 * cut off, every button can be clicked; `more` checks what is particular to this card. When
 * `screenshot` names a file, the card at 320 px is saved as a picture (test-results/, and docs/images/
 * as saveScreenshot does). The playground may replace a card (a refresh) at any moment, so `find`
 * is asked again until a measurement comes through whole.
 */
async function checkNarrow(
  p: Page,
  find: () => Locator,
  more: (layout: NarrowLayout, width: number) => void = () => undefined,
  screenshot?: string,
): Promise<void> {
  for (const width of NARROW_WIDTHS) {
    let layout: NarrowLayout | null = null;
    let id = '';
    const keep = screenshot !== undefined && width === NARROW_WIDTHS[0];
    await expect
      .poll(
        async () => {
          id = `n${Math.random().toString(36).slice(2)}`;
          const marked = await find()
            .evaluate((card, mark) => card.setAttribute('data-cadans-narrow', mark), id, { timeout: 1_000 })
            .then(() => true, () => false);
          if (!marked) return false;
          layout = (await p.evaluate(`${MEASURE_NARROW}(${JSON.stringify({ id, width, keep })})`)) as NarrowLayout | null;
          return layout !== null;
        },
        { timeout: STEP_MS, interval: 250 },
      )
      .toBe(true);
    const l = layout! as NarrowLayout;
    const where = `at ${width} px`;
    expect(Math.round(l.width), `the card is ${width} px wide`).toBe(width);
    expect(l.scrollWidth, `nothing scrolls sideways ${where}`).toBeLessThanOrEqual(l.clientWidth);
    expect(l.outside, `nothing sticks out of the card ${where}`).toEqual([]);
    expect(l.truncated, `no text cut off ${where}`).toEqual([]);
    expect(l.unreachable, `every button can be clicked ${where}`).toEqual([]);
    more(l, width);
    if (keep) {
      try {
        // Still the card just measured, at 320 px (unless the playground replaced it: then no picture this time).
        const shot = await cardPicture(p, p.locator(`[data-cadans-narrow="${id}"]`));
        if (shot) saveImage(screenshot!, shot);
        else console.warn(`${screenshot}: the card was replaced before its picture was taken`);
      } finally {
        await p.evaluate('window.cadansUndoNarrow?.()');
      }
    }
  }
}

/** A row of a card (a ColumnSet) with this text and this button: the innermost container holding both. */
function cardRow(p: Page, card: Locator, text: string, button: string): Locator {
  return card
    .locator('.ac-container')
    .filter({ hasText: text })
    .filter({ has: p.getByRole('button', { name: button, exact: true }) })
    .last();
}

/**
 * Opens a step of the shared card: Details is the first entry of its row's menu ("…"), with the
 * status changes, so that the title keeps the row's width on a narrow screen.
 */
async function openStep(p: Page, card: Locator, stepTitle: string, timeout = STEP_MS): Promise<void> {
  await cardRow(p, card, stepTitle, 'More options').getByRole('button', { name: 'More options' }).click({ timeout });
  await p.getByRole('menuitem', { name: 'Details', exact: true }).click({ timeout });
}

/**
 * Starts watching the page for Adaptive Cards, each named by texts it holds all of, catching also
 * a card that is replaced again at once (a locator's waitFor can miss that). The returned function
 * waits until the card named `until` was there, and gives the names seen so far in order of appearance.
 */
async function watchCards(p: Page, cards: Record<string, string[]>, timeoutMs = STEP_MS): Promise<(until: string) => Promise<string[]>> {
  const key = `cadansWatch${Math.random().toString(36).slice(2)}`;
  // Strings, not functions: the test code is compiled without the DOM library.
  await p.evaluate(`void (() => {
    const cards = ${JSON.stringify(cards)};
    const w = (window[${JSON.stringify(key)}] = { seen: [], waiters: [] });
    const look = () => {
      const texts = [...document.querySelectorAll('.ac-adaptiveCard')].map((c) => c.textContent);
      for (const [name, want] of Object.entries(cards)) {
        if (!w.seen.includes(name) && texts.some((t) => want.every((x) => t.includes(x)))) w.seen.push(name);
      }
      w.waiters = w.waiters.filter((f) => !f());
    };
    const observer = new MutationObserver(look);
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    setTimeout(() => observer.disconnect(), ${timeoutMs * 4});
    look();
  })()`);
  return (until) =>
    p.evaluate(`new Promise((resolve, reject) => {
      const w = window[${JSON.stringify(key)}];
      const done = () => w.seen.includes(${JSON.stringify(until)}) && (clearTimeout(timer), resolve([...w.seen]), true);
      const timer = setTimeout(() => reject(new Error('no card ' + ${JSON.stringify(JSON.stringify(cards[until]))} + ' within ${timeoutMs} ms')), ${timeoutMs});
      if (!done()) w.waiters.push(done);
    })`);
}

describe('the Agents Playground (browser)', () => {
  it('shows the help card for "help", with what is still coming marked, and answers the Rollen button', { timeout: 60_000 }, async (ctx) => {
    const p = requirePage(ctx, 'playground-failure');

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

    await expect(helpCard.innerText()).resolves.toContain('een korte peiling uitzetten, of zien hoe die loopt');
    await expect(helpCard.innerText()).resolves.toContain('de vaste kwaliteitsoverleggen: wanneer het volgende is');
    await expect(helpCard.getByRole('button', { name: 'Peilingen', exact: true }).count()).resolves.toBe(1);
    await expect(helpCard.getByRole('button', { name: 'Overleggen', exact: true }).count()).resolves.toBe(1);
    await saveScreenshot(p, 'playground.png');
    await checkNarrow(p, () => helpCard);

    await helpCard.getByRole('button', { name: 'Rollen', exact: true }).click();
    // Sanne is beheerder (local mode): the roles card, for her alone.
    const roles = p.locator('.ac-adaptiveCard').filter({ hasText: 'Scholen en rollen' }).last();
    await roles.waitFor({ state: 'visible' });

    // The privacy card, with the beheerder's part (a person to look up, export or erase).
    await compose.click();
    await compose.pressSequentially('privacy');
    await compose.press('Enter');
    const privacy = p.locator('.ac-adaptiveCard').filter({ hasText: 'Privacy: jouw gegevens in Cadans' }).last();
    await privacy.waitFor();
    await checkNarrow(p, () => privacy);
  });

  it('starts the inspection checklist in the Kwaliteit channel and marks step 1 done', { timeout: 90_000 }, async (ctx) => {
    const p = requirePage(ctx, 'playground-checklist-failure');
    const title = 'Inspectiebezoek De Regenboog, maart 2027';
    const steps = INSPECTION.steps.map((s) => s.title.nl);
    expect(steps).toHaveLength(11);

    await p.goto(playground!.url, { waitUntil: 'domcontentloaded' });
    await p.locator('button[aria-label="Team Kwaliteit - Kwaliteit"]').click();

    // A channel shows posts: "Start a new post" at the top, a reply box under every post. Cadans only
    // answers a channel message that @mentions it (a mention entity), which the playground makes
    // when you type "@" and pick the bot from its suggestions, as in Teams.
    const newPost = p.getByRole('group').filter({ has: p.getByRole('button', { name: 'Post', exact: true }) });
    const compose = newPost.locator('[data-lexical-editor="true"][role="textbox"]');
    await compose.click();
    await compose.pressSequentially('@Cad');
    await p.getByRole('menuitem', { name: 'Cadans' }).click();
    await compose.pressSequentially(' checklist');
    await newPost.getByRole('button', { name: 'Post', exact: true }).click();

    // The answer comes as a reply under the post.
    const menu = p.locator('.ac-adaptiveCard').filter({ has: p.getByRole('heading', { name: 'Checklists' }) }).last();
    await menu.waitFor();
    await cardRow(p, menu, INSPECTION.title.nl, 'Starten').getByRole('button', { name: 'Starten' }).click();

    // Action.Execute: the answer (the form) takes the menu's place.
    const form = p.locator('.ac-adaptiveCard').filter({ hasText: `Nieuwe checklist: ${INSPECTION.title.nl}` }).last();
    await form.waitFor();
    await form.getByRole('textbox', { name: 'Titel' }).fill(title);
    // A Fluent date picker that takes typed text: Tab parses it (Enter would open its calendar,
    // which hides the rest of the page from the accessibility tree).
    const date = form.getByRole('combobox', { name: 'Eerste gesprek met het bestuur (start van het onderzoek)' });
    await date.fill('2027-03-12');
    await date.press('Tab');
    await expect(date.inputValue()).resolves.toBe('12 maart 2027'); // as the browser's locale (nl-NL) writes it
    await form.getByRole('button', { name: 'Checklist starten', exact: true }).click();

    const confirmation = p.locator('.ac-adaptiveCard').filter({ hasText: 'staat in het kanaal' }).last();
    await confirmation.waitFor();
    await expect(confirmation.innerText()).resolves.toContain(`De checklist "${title}" staat in het kanaal.`);

    // The shared card: the outbox posts it in the channel as a new post.
    const shared = p.locator('.ac-adaptiveCard').filter({ hasText: title }).filter({ hasText: 'van 11 klaar' });
    await shared.filter({ hasText: '0 van 11 klaar' }).waitFor();
    const sharedText = await shared.innerText();
    expect(sharedText).toContain('Eerste gesprek met het bestuur (start van het onderzoek): 12 maart 2027');
    const at = steps.map((s) => sharedText.indexOf(s));
    expect(at.every((i) => i >= 0), `all eleven steps on the card:\n${sharedText}`).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);

    await openStep(p, shared, steps[0]!);
    const stepCard = p.locator('.ac-adaptiveCard').filter({ hasText: `Stap 1: ${steps[0]}` });
    const klaar = stepCard.getByRole('button', { name: 'Klaar', exact: true });
    await klaar.waitFor();
    await checkNarrow(p, () => stepCard.last(), undefined, 'playground-step-narrow.png');

    // "Opgeslagen" is the answer to "Klaar", but it may be on screen only briefly: the outbox also
    // updates the channel message (a PUT to the playground's connector), and the playground then
    // replaces the card for everyone, this person's step card included. So watch from before the click.
    const done = shared.filter({ hasText: '1 van 11 klaar' });
    const back = stepCard.getByRole('button', { name: 'Terug naar de checklist', exact: true });
    const seen = await watchCards(p, { saved: [`Stap 1: ${steps[0]}`, 'Opgeslagen'], updated: [title, '1 van 11 klaar'] });
    await klaar.click();
    const order = await seen('saved');

    // Back on the shared card. Normally the update comes after the step card (some 50 ms) and
    // replaces it. When it came first, the step card may stay: then "Terug naar de checklist" asks
    // for the card as it is now. But the playground may still replace the step card itself (a later
    // update, or the card's refresh), so click "back" only while it is there and the shared card
    // is not, and look again until the shared card shows the change.
    if (order.includes('updated')) await ctx.annotate('the card update came before the step card');
    await expect
      .poll(
        async () => {
          if (await done.isVisible()) return true;
          if (await back.isVisible()) await back.click({ timeout: 1_000 }).catch(() => undefined);
          return done.isVisible();
        },
        { timeout: STEP_MS, interval: 200 },
      )
      .toBe(true);
    await expect(cardRow(p, done, steps[0]!, 'More options').innerText()).resolves.toMatch(/^Klaar\b/);
    await expect(cardRow(p, done, steps[1]!, 'More options').innerText()).resolves.toMatch(/^Open\b/);

    // Step 1 again: it says Klaar, and "Terug naar de checklist" brings back the shared card. The
    // playground may still refresh the shared card on its own (its Universal Actions refresh, after
    // the update) and so replace a step card just opened: then open it again.
    let stepText = '';
    await expect
      .poll(
        async () => {
          if (!(await back.isVisible())) {
            await openStep(p, done, steps[0]!, 1_000).catch(() => undefined);
            return false;
          }
          stepText = await stepCard.innerText({ timeout: 500 }).catch(() => '');
          return /Status\s+Klaar/.test(stepText) && (await klaar.count()) === 0; // it is done: "Klaar" is no longer offered
        },
        { timeout: STEP_MS, interval: 250 },
      )
      .toBe(true);
    expect(stepText).toContain(`Stap 1: ${steps[0]}`);
    await back.click({ timeout: 2_000 }).catch(() => undefined); // gone already if the playground replaced it
    await back.waitFor({ state: 'detached' });
    await done.waitFor();

    // The picture: the channel with the shared card, its header at the top.
    await done.evaluate((card) => card.closest('[role="group"]')?.scrollIntoView({ block: 'start' }));
    await saveScreenshot(p, 'playground-checklist.png');

    // Narrow: the rows line up. Every step number starts at the same x (the status column before it
    // is as wide for "Open" as for "Klaar"), and the status column has one width for every status.
    const statuses = new Set(['Open', 'Bezig', 'Klaar', 'N.v.t.']);
    await checkNarrow(
      p,
      () => done.last(),
      (layout, width) => {
        const numbers = layout.texts.filter((t) => /^\d+\. /.test(t.text));
        expect(numbers.map((t) => t.text.split('.')[0])).toEqual(steps.map((_, i) => String(i + 1)));
        const lefts = numbers.map((t) => Math.round(t.firstLeft));
        expect(Math.max(...lefts) - Math.min(...lefts), `step numbers start at one x at ${width} px: ${lefts.join(', ')}`).toBeLessThanOrEqual(1);
        const status = layout.texts.filter((t) => statuses.has(t.text));
        expect(status).toHaveLength(steps.length);
        expect(new Set(status.map((t) => t.text)).size, 'more than one status on the card').toBeGreaterThan(1);
        const widths = status.map((t) => Math.round(t.columnWidth ?? -1));
        expect(Math.max(...widths) - Math.min(...widths), `the status column has one width at ${width} px: ${widths.join(', ')}`).toBeLessThanOrEqual(1);
        // The progress bar is a thin bar (done, and still open), not a thick block.
        expect(layout.images.length, 'the progress bar').toBe(1);
        expect(layout.images[0]!.height, `the progress bar's height at ${width} px`).toBeLessThanOrEqual(12);
        expect(layout.images[0]!.width, `the progress bar's length at ${width} px`).toBeGreaterThan(width * 0.8);
        // The step titles keep room to be read beside the status and the buttons.
        for (const t of numbers) expect(t.width, `"${t.text}" at ${width} px`).toBeGreaterThanOrEqual(width * 0.55);
      },
      'playground-checklist-narrow.png',
    );

    // The running checklists, as `checklist` in the channel lists them: the title gets the card's
    // width, not a sliver beside the buttons.
    const again = newPost.locator('[data-lexical-editor="true"][role="textbox"]');
    await again.click();
    await again.pressSequentially('@Cad');
    await p.getByRole('menuitem', { name: 'Cadans' }).click();
    await again.pressSequentially(' checklist');
    await newPost.getByRole('button', { name: 'Post', exact: true }).click();
    const list = p.locator('.ac-adaptiveCard').filter({ has: p.getByRole('heading', { name: 'Checklists' }) }).filter({ hasText: title });
    await list.last().waitFor();
    await checkNarrow(
      p,
      () => list.last(),
      (layout, width) => {
        const named = layout.texts.find((t) => t.text === title);
        expect(named, `the running checklist "${title}" on the list`).toBeDefined();
        expect(named!.width, `its title at ${width} px`).toBeGreaterThanOrEqual(width * 0.6);
      },
      'playground-checklists-narrow.png',
    );
  });

  it('sends a pulse survey from the Kwaliteit channel, answers it in the personal chat, and shows the result card', { timeout: 120_000 }, async (ctx) => {
    const p = requirePage(ctx, 'playground-survey-failure');
    await p.goto(playground!.url, { waitUntil: 'domcontentloaded' });
    await p.locator('button[aria-label="Team Kwaliteit - Kwaliteit"]').click();
    const newPost = p.getByRole('group').filter({ has: p.getByRole('button', { name: 'Post', exact: true }) });
    const compose = newPost.locator('[data-lexical-editor="true"][role="textbox"]');
    await compose.click();
    await compose.pressSequentially('@Cad');
    await p.getByRole('menuitem', { name: 'Cadans' }).click();
    await compose.pressSequentially(' peiling');
    await newPost.getByRole('button', { name: 'Post', exact: true }).click();

    const home = p.locator('.ac-adaptiveCard').filter({ has: p.getByRole('heading', { name: 'Peilingen' }) }).last();
    await home.waitFor();
    await home.locator('.ac-container').filter({ hasText: 'Werkdruk en welzijn' }).getByRole('button', { name: 'Kies dit sjabloon' }).last().click();
    const draft = p.locator('.ac-adaptiveCard').filter({ hasText: 'Concept: Werkdruk en welzijn' }).last();
    await draft.waitFor();
    await draft.getByRole('button', { name: 'Controleren en versturen', exact: true }).click();
    const review = p.locator('.ac-adaptiveCard').filter({ hasText: 'Controleren en versturen' }).filter({ hasText: 'Resultaten' }).last();
    await review.waitFor();
    const send = review.getByRole('button', { name: /^Versturen naar \d+ mensen$/ });
    const label = (await send.innerText()).trim();
    const recipients = Number(/(\d+)/.exec(label)![1]);
    expect(recipients).toBeGreaterThanOrEqual(6);
    await send.click();
    await p.locator('.ac-adaptiveCard').filter({ hasText: `Verstuurd naar ${recipients} mensen` }).last().waitFor();

    // The playground is one person at a time: the others answer over HTTP, as Teams would send it.
    const survey = (await cadans!.db.query<{ id: string; public_id: string }>('select id, public_id from surveys order by id desc limit 1')).rows[0]!;
    const sanneRef = (await cadans!.db.query<{ service_url: string; conversation_id: string; tenant_id: string }>(
      "select service_url, conversation_id, tenant_id from conversation_refs where scope = 'personal' and key = '6f1c2b9e-4d3a-4c1e-9b7a-0c0ade5c1001'",
    )).rows[0]!;
    const others = [['29:local-marieke', '6f1c2b9e-4d3a-4c1e-9b7a-0c0ade5c1002', 'Marieke Jansen'], ['29:local-ahmed', '6f1c2b9e-4d3a-4c1e-9b7a-0c0ade5c1003', 'Ahmed El Amrani'], ['29:local-joost', '6f1c2b9e-4d3a-4c1e-9b7a-0c0ade5c1004', 'Joost Bakker'], ['29:local-fatima', '6f1c2b9e-4d3a-4c1e-9b7a-0c0ade5c1005', 'Fatima Yilmaz'], ['29:local-eva', '6f1c2b9e-4d3a-4c1e-9b7a-0c0ade5c1006', 'Eva de Groot']];
    for (const [i, [id, aad, name]] of others.entries()) {
      const res = await fetch(`${cadans!.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'invoke',
          name: 'adaptiveCard/action',
          id: `seed-${i}`,
          channelId: 'msteams',
          serviceUrl: sanneRef.service_url,
          from: { id, name, aadObjectId: aad },
          recipient: { id: '28:6f1c2b9e-4d3a-4c1e-9b7a-0c0ade5c0b07', name: 'Cadans' },
          conversation: { id: `a:local-seed-${i}`, conversationType: 'personal', tenantId: sanneRef.tenant_id },
          channelData: { tenant: { id: sanneRef.tenant_id } },
          locale: 'nl-NL',
          value: { action: { type: 'Action.Execute', verb: 'survey.answer', data: { v: 1, survey: survey.public_id, a_q1: String((i % 5) + 1), a_q2: '4', a_q3: '3', a_q4: 'b' } }, trigger: 'manual' },
        }),
      });
      expect(JSON.stringify(await res.json())).toContain('Bedankt voor het invullen');
    }

    // Sanne's own card, in her personal chat.
    await p.locator('button[aria-label="Personal Chat"]').click();
    const question = p.locator('.ac-adaptiveCard').filter({ hasText: 'Mijn werk is goed te doen' }).filter({ has: p.getByRole('button', { name: 'Versturen', exact: true }) }).last();
    await question.waitFor();
    await expect(question.innerText()).resolves.toContain('anoniem');
    for (const text of ['Mijn werk is goed te doen', 'genoeg energie', 'te veel wordt']) {
      await question.getByRole('radiogroup', { name: new RegExp(text) }).getByRole('radio', { name: 'Eens', exact: true }).check();
    }
    await question.getByRole('radio', { name: 'Vergaderingen en overleg', exact: true }).check();
    await question.getByRole('button', { name: 'Versturen', exact: true }).click();
    await p.locator('.ac-adaptiveCard').filter({ hasText: 'Bedankt voor het invullen' }).last().waitFor();
    await saveScreenshot(p, 'playground-survey.png');

    // Sanne closes it from her delivery card; the result card comes in the channel.
    // "Nu sluiten" is a secondary action: under the card's "More options".
    const delivery = p.locator('.ac-adaptiveCard').filter({ hasText: 'Aangekomen' }).filter({ has: p.getByRole('button', { name: 'Vernieuwen', exact: true }) }).last();
    await delivery.waitFor();
    await delivery.getByRole('button', { name: 'More options' }).click();
    await p.getByRole('menuitem', { name: 'Nu sluiten' }).click();
    await p.locator('.ac-adaptiveCard').filter({ hasText: 'De peiling is gesloten' }).last().waitFor();
    await p.locator('button[aria-label="Team Kwaliteit - Kwaliteit"]').click();
    const result = p.locator('.ac-adaptiveCard').filter({ hasText: 'Werkdruk en welzijn' }).filter({ hasText: `6 van de ${recipients} mensen hebben gereageerd` }).last();
    await result.waitFor();
    await result.evaluate((card) => card.closest('[role="group"]')?.scrollIntoView({ block: 'start' }));
    await saveScreenshot(p, 'playground-survey-results.png');
  });

  it('opens overleg in the personal chat: the standing tables, their rhythm, and one table with its rule', { timeout: 60_000 }, async (ctx) => {
    const p = requirePage(ctx, 'playground-meetings-failure');
    await p.goto(playground!.url, { waitUntil: 'domcontentloaded' });
    await p.locator('button[aria-label="Personal Chat"]').click();
    const compose = p.locator('[data-lexical-editor="true"][role="textbox"]');
    await compose.click();
    await compose.pressSequentially('overleg');
    await compose.press('Enter');
    // Sanne is kwaliteitsmedewerker (local mode): she sees every table of the tenant and may change them.
    const overview = p.locator('.ac-adaptiveCard').filter({ hasText: 'Vaste overleggen' }).filter({ hasText: 'Kwaliteitsteam' }).last();
    await overview.waitFor();
    for (const table of ['Bestuur en kwaliteitsmedewerker', 'Bestuur met directeuren', 'Intern toezicht en bestuur', 'Stafcollega']) await expect(overview.innerText()).resolves.toContain(table);
    await saveScreenshot(p, 'playground-meetings.png');
    await cardRow(p, overview, 'Bestuur en kwaliteitsmedewerker', 'Openen').getByRole('button', { name: 'Openen', exact: true }).click();
    const table = p.locator('.ac-adaptiveCard').filter({ hasText: 'elke 2 weken' }).last();
    await table.waitFor();
    await expect(table.innerText()).resolves.toContain('Bestuur en kwaliteitsmedewerker');
  });
});
