import { page } from './lib.js';
const { b, p } = await page();
try {
await p.keyboard.press('Escape');
const form = p.locator('.ac-adaptiveCard').filter({ hasText: 'Nieuwe checklist: Voorbereiding inspectiebezoek' }).last();
console.log('val', await form.locator('input[placeholder="Select a date..."]').inputValue());
await p.screenshot({ path: '/tmp/ex8b.png' });
} catch (e) { console.error(e); } finally { process.exit(0); }
