import { page } from './lib.js';
const { b, p } = await page();
await p.locator('button[aria-label="Team Kwaliteit - Kwaliteit"]').click();
const compose = p.locator('[data-lexical-editor="true"][role="textbox"]');
await compose.click();
await compose.pressSequentially('@');
await p.waitForTimeout(1500);
await p.screenshot({ path: '/tmp/ex2.png' });
const html = await p.evaluate(() => {
  const popups = Array.from(document.querySelectorAll('[role="listbox"],[role="option"],[role="menu"],[role="menuitem"],[role="dialog"]'));
  return popups.map((e) => e.outerHTML.slice(0, 1500)).join('\n----\n');
});
console.log(html);
console.log('COMPOSE', await compose.evaluate((e) => e.parentElement!.parentElement!.outerHTML.slice(0, 3000)));
