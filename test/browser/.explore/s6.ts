import { page } from './lib.js';
const { b, p } = await page();
try {
const form = p.locator('.ac-adaptiveCard').filter({ hasText: 'Nieuwe checklist: Voorbereiding inspectiebezoek' }).last();
await form.getByLabel('Titel').fill('Inspectiebezoek De Regenboog, maart 2027');
const date = form.getByRole('combobox', { name: /Datum van het bezoek/ });
console.log('date count', await date.count());
await date.click();
await p.waitForTimeout(800);
await p.screenshot({ path: '/tmp/ex6a.png' });
await date.pressSequentially('2027-03-12');
await date.press('Enter');
await p.waitForTimeout(500);
console.log('value', await date.inputValue());
await date.press('Tab');
await p.waitForTimeout(500);
console.log('value after tab', await date.inputValue());
await p.screenshot({ path: '/tmp/ex6b.png' });
} catch (e) { console.error(e); } finally { process.exit(0); }
