import { page } from './lib.js';
const { b, p } = await page();
try {
await p.screenshot({ path: '/tmp/shot.png' });
const cards = await p.locator('.ac-adaptiveCard').allInnerTexts();
console.log(cards.map((c) => c.slice(0, 300).replace(/\n+/g, ' / ')).join('\n=====\n'));
} catch (e) { console.error(e); } finally { process.exit(0); }
