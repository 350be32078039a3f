import { page, URL_ } from './lib.js';
const { b, p } = await page();
await p.setViewportSize({ width: 1280, height: 800 });
await p.goto(URL_, { waitUntil: 'domcontentloaded' });
await p.locator('button[aria-label="Personal Chat"]').waitFor();
const items = await p.locator('[role="treeitem"]').evaluateAll((els) => els.map((e) => `${e.tagName} aria-label=${e.getAttribute('aria-label')} expanded=${e.getAttribute('aria-expanded')} text=${(e as HTMLElement).innerText.replace(/\n/g,' | ')}`));
console.log(items.join('\n'));
await p.screenshot({ path: '/tmp/ex1.png' });
await b.close();
