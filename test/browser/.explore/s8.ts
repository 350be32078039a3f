import { page } from './lib.js';
const { b, p } = await page();
try {
const form = p.locator('.ac-adaptiveCard').filter({ hasText: 'Nieuwe checklist: Voorbereiding inspectiebezoek' }).last();
const t0 = Date.now();
await form.getByRole('button', { name: 'Checklist starten' }).click();
const confirm = p.locator('.ac-adaptiveCard').filter({ hasText: 'Inspectiebezoek De Regenboog, maart 2027' }).first();
await confirm.waitFor();
console.log('confirm', Date.now() - t0, await confirm.innerText());
const shared = p.locator('.ac-adaptiveCard').filter({ hasText: 'van 10 klaar' });
await shared.first().waitFor();
console.log('shared', Date.now() - t0, await shared.count());
console.log(await shared.first().innerText());
await p.screenshot({ path: '/tmp/ex8.png' });
const posts = await p.evaluate(() => document.querySelector('.ac-adaptiveCard')?.closest('[class]')?.className);
} catch (e) { console.error(e); } finally { process.exit(0); }
