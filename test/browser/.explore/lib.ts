import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
export const URL_ = readFileSync('/tmp/explore-url', 'utf8');
export async function page() {
  const b = await chromium.connectOverCDP('http://127.0.0.1:9333');
  const ctx = b.contexts()[0];
  const p = ctx.pages()[0] ?? (await ctx.newPage());
  p.setDefaultTimeout(10000);
  return { b, p };
}
