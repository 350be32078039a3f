import { page } from './lib.js';
const { b, p } = await page();
try {
const card = p.locator('.ac-adaptiveCard').filter({ hasText: 'Checklists' }).last();
const row = card.locator('.ac-container').filter({ hasText: 'Voorbereiding inspectiebezoek' }).filter({ has: p.getByRole('button', { name: 'Starten' }) }).last();
console.log('rows', await row.count(), (await row.innerText()).slice(0, 80));
await row.getByRole('button', { name: 'Starten' }).click();
const form = p.locator('.ac-adaptiveCard').filter({ hasText: 'Nieuwe checklist: Voorbereiding inspectiebezoek' }).last();
await form.waitFor();
console.log(await form.innerText());
const html = await form.evaluate((e) => e.outerHTML.replace(/<svg.*?<\/svg>/g, '').replace(/ style="[^"]*"/g, '').replace(/ class="[^"]*"/g, ''));
console.log(html);
await p.screenshot({ path: '/tmp/ex5.png' });
} catch (e) { console.error(e); } finally { process.exit(0); }
