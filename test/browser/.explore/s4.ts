import { page } from './lib.js';
const { b, p } = await page();
try {
const card = p.locator('.ac-adaptiveCard').filter({ hasText: 'Checklists' }).last();
console.log(await card.innerText());
const html = await card.evaluate((e) => e.outerHTML.replace(/<svg.*?<\/svg>/g, '').replace(/ style="[^"]*"/g, ''));
console.log(html.slice(0, 8000));
} catch (e) { console.error(e); } finally { process.exit(0); }
