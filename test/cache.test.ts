import { describe, expect, it } from 'vitest';
import { TtlCache } from '../src/cache.js';

describe('TtlCache', () => {
  it('forgets an entry once its time is up', () => {
    let now = 1_000;
    const c = new TtlCache<string>({ ttlMs: 100, max: 10, now: () => now });
    c.set('a', 'x');
    now += 99;
    expect(c.get('a')?.value).toBe('x');
    now += 1;
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('keeps at most `max` entries, dropping the oldest written', () => {
    const c = new TtlCache<number>({ ttlMs: 1_000, max: 2, now: () => 0 });
    c.set('a', 1);
    c.set('b', 2);
    c.set('a', 3); // written again: now the newest
    c.set('c', 4);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')?.value).toBe(3);
    expect(c.get('c')?.value).toBe(4);
  });

  it('caches null values and loads only on a miss; a failed load is not cached', async () => {
    const c = new TtlCache<string | null>({ ttlMs: 1_000, max: 10, now: () => 0 });
    let loads = 0;
    expect(await c.getOrLoad('k', async () => (loads++, null))).toBeNull();
    expect(await c.getOrLoad('k', async () => (loads++, 'other'))).toBeNull();
    expect(loads).toBe(1);
    await expect(c.getOrLoad('bad', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(c.get('bad')).toBeUndefined();
  });

  it('shares one pending promise per key and forgets one that rejects', async () => {
    const c = new TtlCache<Promise<string>>({ ttlMs: 1_000, max: 10, now: () => 0 });
    let starts = 0;
    const a = c.share('k', async () => `v${++starts}`);
    const b = c.share('k', async () => `v${++starts}`);
    expect(await a).toBe('v1');
    expect(await b).toBe('v1');
    await expect(c.share('bad', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(c.get('bad')).toBeUndefined();
  });
});
