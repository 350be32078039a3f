import { page } from './lib.js';
const { b, p } = await page();
try {
await p.getByRole('menuitem', { name: 'Cadans' }).click();
const compose = p.locator('[data-lexical-editor="true"][role="textbox"]');
console.log('after pick:', await compose.innerHTML());
await compose.pressSequentially('checklist');
console.log('after type:', await compose.innerHTML());
await p.getByRole('button', { name: 'Post' }).click();
await p.locator('.ac-adaptiveCard').filter({ hasText: 'Checklists' }).last().waitFor();
await p.screenshot({ path: '/tmp/ex3.png', fullPage: true });
} finally { process.exit(0); }
