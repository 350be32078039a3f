import { page } from './lib.js';
const { b, p } = await page();
try {
const newPost = p.getByRole('group').filter({ has: p.getByRole('button', { name: 'Post', exact: true }) }); console.log('groups', await newPost.count()); const compose = newPost.locator('[data-lexical-editor="true"][role="textbox"]');
await compose.click();
await compose.pressSequentially('@Cad');
const items = await p.getByRole('menuitem').allInnerTexts();
console.log('items', items);
await p.getByRole('menuitem', { name: 'Cadans' }).click();
await compose.pressSequentially(' checklist');
console.log('html', await compose.innerHTML());
await newPost.getByRole('button', { name: 'Post', exact: true }).click();
const card = p.locator('.ac-adaptiveCard').filter({ hasText: 'Een checklist starten' }).last();
await card.waitFor();
console.log('menu', (await card.innerText()).replace(/\n+/g, ' / '));
const row = card.locator('.ac-container').filter({ hasText: 'Voorbereiding inspectiebezoek' }).filter({ has: p.getByRole('button', { name: 'Starten' }) }).last();
await row.getByRole('button', { name: 'Starten' }).click();
const form = p.locator('.ac-adaptiveCard').filter({ hasText: 'Nieuwe checklist: Voorbereiding inspectiebezoek' }).last();
await form.waitFor();
const inp = form.getByRole('combobox', { name: 'Datum van het bezoek' });
console.log('by role', await inp.count());
await inp.fill('2027-04-02');
await inp.press('Tab');
console.log('after tab', await inp.inputValue(), await p.locator('[role="dialog"]').count());
await p.screenshot({ path: '/tmp/ex11.png' });
} catch (e) { console.error(e); } finally { process.exit(0); }
