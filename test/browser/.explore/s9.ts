import { page } from './lib.js';
const { b, p } = await page();
try {
const shared = p.locator('.ac-adaptiveCard').filter({ hasText: 'Inspectiebezoek De Regenboog, maart 2027' }).filter({ hasText: 'van 10 klaar' });
const row = shared.locator('.ac-container').filter({ hasText: 'Bepaal wat je wilt vertellen' }).filter({ has: p.getByRole('button', { name: 'Details' }) }).last();
console.log('rowtext', await row.innerText());
const t0 = Date.now();
await row.getByRole('button', { name: 'Details' }).click();
const stepCard = p.locator('.ac-adaptiveCard').filter({ hasText: 'Bepaal wat je wilt vertellen' }).filter({ has: p.getByRole('button', { name: 'Klaar' }) });
await stepCard.waitFor();
console.log('step', Date.now() - t0);
console.log(await stepCard.innerText());
const html = await stepCard.evaluate((e) => e.outerHTML.replace(/<svg.*?<\/svg>/g, '').replace(/ style="[^"]*"/g, '').replace(/ class="[^"]*"/g, '').replace(/ id="[^"]*"/g, ''));
console.log(html.length, html.match(/<button[^>]*>/g));
await p.screenshot({ path: '/tmp/ex9.png' });
} catch (e) { console.error(e); } finally { process.exit(0); }
