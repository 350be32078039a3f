import { page } from './lib.js';
const { b, p } = await page();
try {
const stepCard = p.locator('.ac-adaptiveCard').filter({ hasText: 'Stap 1: Bepaal wat je wilt vertellen' });
const t0 = Date.now();
await stepCard.getByRole('button', { name: 'Klaar', exact: true }).click();
const saved = p.locator('.ac-adaptiveCard').filter({ hasText: 'Stap 1: Bepaal wat je wilt vertellen' }).filter({ hasText: 'Opgeslagen' });
await saved.waitFor();
console.log('saved', Date.now() - t0);
console.log((await saved.innerText()).slice(0, 400));
await p.screenshot({ path: '/tmp/ex10a.png' });
// wait a bit to see whether the outbox PUT replaces the step card with the channel card
await p.waitForTimeout(4000);
const cards = await p.locator('.ac-adaptiveCard').allInnerTexts();
console.log(cards.map((c) => c.slice(0, 200).replace(/\n+/g, ' / ')).join('\n=====\n'));
await p.screenshot({ path: '/tmp/ex10b.png' });
} catch (e) { console.error(e); } finally { process.exit(0); }
