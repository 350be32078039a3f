import { page } from './lib.js';
const { b, p } = await page();
try {
const info = await p.evaluate(() => Array.from(document.querySelectorAll('[data-lexical-editor="true"]')).map((e) => {
  let chain = []; let n: Element | null = e;
  for (let i = 0; i < 6 && n; i++) { chain.push(`${n.tagName}${n.getAttribute('role') ? '[role='+n.getAttribute('role')+']' : ''}${n.getAttribute('aria-label') ? '[aria-label='+n.getAttribute('aria-label')+']' : ''}${n.getAttribute('data-testid') ? '[testid='+n.getAttribute('data-testid')+']':''}`); n = n.parentElement; }
  return chain.join(' < ') + '\n   parentHTML: ' + e.parentElement!.outerHTML.replace(/ class="[^"]*"/g, '').slice(0, 600);
}));
console.log(info.join('\n\n'));
const groups = await p.getByRole('group').evaluateAll((els) => els.map((e) => `${e.tagName} aria-label=${e.getAttribute('aria-label')} labelledby=${e.getAttribute('aria-labelledby')} text=${(e as HTMLElement).innerText.slice(0, 60).replace(/\n/g, ' ')}`));
console.log(groups.join('\n'));
} catch (e) { console.error(e); } finally { process.exit(0); }
