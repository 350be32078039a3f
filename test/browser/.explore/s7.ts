import { page } from './lib.js';
const { b, p } = await page();
try {
await p.keyboard.press('Escape');
await p.waitForTimeout(300);
const form = p.locator('.ac-adaptiveCard').filter({ hasText: 'Nieuwe checklist: Voorbereiding inspectiebezoek' }).last();
const inp = form.locator('input[placeholder="Select a date..."]');
console.log(await inp.evaluate((e) => e.outerHTML));
await inp.fill('2027-03-12');
console.log('v1', await inp.inputValue());
await inp.press('Enter');
await p.waitForTimeout(300);
console.log('v2', await inp.inputValue());
await inp.blur();
await p.waitForTimeout(300);
console.log('v3', await inp.inputValue());
await p.screenshot({ path: '/tmp/ex7.png' });
} catch (e) { console.error(e); } finally { process.exit(0); }
