import { page } from './lib.js';
const { b, p } = await page();
try {
await p.locator('button[aria-label="Team Kwaliteit - General"]').click();
await p.waitForTimeout(1500);
const cards = await p.locator('.ac-adaptiveCard').allInnerTexts();
console.log(cards.map((c) => c.slice(0, 200).replace(/\n+/g, ' / ')).join('\n=====\n'));
await p.screenshot({ path: '/tmp/ex13.png' });
} catch (e) { console.error(e); } finally { process.exit(0); }
