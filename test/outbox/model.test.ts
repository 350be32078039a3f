// The outbox's pure rules: rate windows, retry decisions, backoff, Retry-After.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  TEAMS_THREAD_WINDOWS,
  backoffDelayMs,
  decideAfterFailure,
  decideLimiter,
  nextAllowedAt,
  parseRetryAfter,
  tenantWindows,
  toBaseConversationId,
  type LimiterInput,
  type RateWindow,
} from '../../src/outbox/model.js';

const T0 = 1_800_000_000_000; // a fixed reference time (2027-01-15)

/** The oracle: would `cost` requests at time `at` keep every window within its maximum? */
function fits(times: readonly number[], at: number, windows: readonly RateWindow[], marginMs = 0, cost = 1): boolean {
  return windows.every((w) => times.filter((t) => t > at - (w.ms + marginMs)).length + Math.min(cost, w.max) <= w.max);
}

/** Largest number of requests in any half-open stretch (t - ms, t] ending at a request. */
function busiest(times: readonly number[], ms: number): number {
  return Math.max(0, ...times.map((t) => times.filter((u) => u > t - ms && u <= t).length));
}

describe('nextAllowedAt', () => {
  it('allows a request at once in a quiet conversation', () => {
    expect(nextAllowedAt([], T0)).toBe(T0);
  });

  it('holds the 8th request of a second until the first is a second old', () => {
    const seven = [0, 10, 20, 30, 40, 50, 60].map((d) => T0 + d);
    expect(nextAllowedAt(seven, T0 + 70)).toBe(T0 + 1_000);
  });

  it('holds the 9th request within two seconds until the first is two seconds old', () => {
    const eight = [...[0, 1, 2, 3, 4, 5, 6].map((d) => T0 + d), T0 + 1_000];
    expect(nextAllowedAt(eight, T0 + 1_001)).toBe(T0 + 2_000);
  });

  it('holds the 61st request within 30 seconds', () => {
    const sixty = Array.from({ length: 60 }, (_, i) => T0 + i * 300); // 0 … 17.7 s, never 8 in 2 s
    expect(nextAllowedAt(sixty, T0 + 18_000)).toBe(T0 + 30_000);
  });

  it('holds the 1,801st request within an hour', () => {
    const many = Array.from({ length: 1_800 }, (_, i) => T0 + i * 1_000); // one a second for half an hour
    expect(nextAllowedAt(many, T0 + 1_800_000)).toBe(T0 + 3_600_000);
  });

  it('widens every window by the margin', () => {
    const seven = Array.from({ length: 7 }, () => T0);
    expect(nextAllowedAt(seven, T0 + 1, TEAMS_THREAD_WINDOWS, { marginMs: 50 })).toBe(T0 + 1_050);
  });

  it('makes room for two requests when an attempt needs two (create a chat, then send)', () => {
    const fortyNine = Array.from({ length: 49 }, (_, i) => T0 + i);
    expect(nextAllowedAt(fortyNine, T0 + 100, tenantWindows(50))).toBe(T0 + 100);
    expect(nextAllowedAt(fortyNine, T0 + 100, tenantWindows(50), { cost: 2 })).toBe(T0 + 1_000);
  });

  it('never lets a schedule exceed any Teams window, and never waits longer than needed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_500 }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 0, max: 100 }),
        (gaps, marginMs) => {
          const times: number[] = [];
          let clock = T0;
          for (const gap of gaps) {
            clock += gap;
            const at = nextAllowedAt(times, clock, TEAMS_THREAD_WINDOWS, { marginMs });
            expect(at).toBeGreaterThanOrEqual(clock);
            expect(fits(times, at, TEAMS_THREAD_WINDOWS, marginMs)).toBe(true);
            if (at > clock) expect(fits(times, at - 0.5, TEAMS_THREAD_WINDOWS, marginMs)).toBe(false);
            times.push(at);
            clock = at;
          }
          for (const w of TEAMS_THREAD_WINDOWS) expect(busiest(times, w.ms)).toBeLessThanOrEqual(w.max);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps a tenant ceiling for any per-second limit, whatever the order the requests were logged in', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 150 }), (perSecond, gaps) => {
        const windows = tenantWindows(perSecond);
        const times: number[] = [];
        let clock = T0;
        for (const gap of gaps) {
          clock += gap;
          const at = nextAllowedAt([...times].reverse(), clock, windows);
          times.push(at);
          clock = at;
        }
        expect(busiest(times, 1_000)).toBeLessThanOrEqual(perSecond);
      }),
      { numRuns: 200 },
    );
  });
});

describe('decideLimiter', () => {
  const quiet: LimiterInput = {
    nowMs: T0,
    laneTimes: [],
    tenantTimes: [],
    tenantQueue: [],
    holdsPlace: false,
    cost: 1,
    laneWindows: TEAMS_THREAD_WINDOWS,
    tenantWindows: tenantWindows(5),
    marginMs: 0,
  };
  const fullSecond = [0, 100, 200, 300, 400].map((d) => T0 - 900 + d); // 5 requests in the last second

  it('lets a request go at once when nothing holds it back', () => {
    expect(decideLimiter(quiet)).toEqual({ kind: 'go' });
  });

  it('makes a message wait without a place in the queue when only its own conversation is busy', () => {
    const seven = Array.from({ length: 7 }, (_, i) => T0 - 500 + i);
    expect(decideLimiter({ ...quiet, laneTimes: seven, tenantTimes: seven, tenantWindows: tenantWindows(50) })).toEqual({
      kind: 'wait',
      untilMs: T0 + 500,
      reserve: false,
      keepPlace: false,
    });
  });

  it('gives a message the next free slot in the queue when the tenant ceiling is reached', () => {
    expect(decideLimiter({ ...quiet, tenantTimes: fullSecond })).toEqual({ kind: 'wait', untilMs: T0 + 100, reserve: true, keepPlace: false });
  });

  it('puts a newcomer behind the queue even when the window has room', () => {
    const queue = [T0 + 50, T0 + 60];
    const d = decideLimiter({ ...quiet, tenantQueue: queue });
    expect(d).toMatchObject({ kind: 'wait', reserve: true });
    expect(d.kind === 'wait' && d.untilMs).toBeGreaterThanOrEqual(T0 + 60);
  });

  it('lets a message with a place go when the window has room, ahead of later places', () => {
    expect(decideLimiter({ ...quiet, holdsPlace: true, tenantQueue: [T0 + 10, T0 + 20] })).toEqual({ kind: 'go' });
  });

  it('keeps the place of a message that is still held back', () => {
    expect(decideLimiter({ ...quiet, holdsPlace: true, tenantTimes: fullSecond })).toEqual({ kind: 'wait', untilMs: T0 + 100, reserve: false, keepPlace: true });
  });

  it('paces any fan-out within every window, sends everything in order per conversation, and wakes each message only a few times', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ lane: fc.integer({ min: 0, max: 12 }), gap: fc.integer({ min: 0, max: 400 }) }), { minLength: 1, maxLength: 150 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 60 }),
        (arrivals, perSecond, marginMs) => {
          const result = simulateFanOut(arrivals, perSecond, marginMs);
          const all = result.sends.map((x) => x.at);
          expect(busiest(all, 1_000)).toBeLessThanOrEqual(perSecond);
          for (let lane = 0; lane <= 12; lane++) {
            const mine = result.sends.filter((x) => x.lane === lane);
            for (const w of TEAMS_THREAD_WINDOWS) expect(busiest(mine.map((x) => x.at), w.ms)).toBeLessThanOrEqual(w.max);
            expect(mine.map((x) => x.id)).toEqual([...mine.map((x) => x.id)].sort((a, b) => a - b));
          }
          expect(result.sends).toHaveLength(arrivals.length);
          expect(result.wakes / arrivals.length).toBeLessThanOrEqual(4);
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** Messages arriving in lanes (conversations), worked through decideLimiter like the outbox does. */
function simulateFanOut(arrivals: Array<{ lane: number; gap: number }>, perSecond: number, marginMs: number) {
  let t = T0;
  const msgs = arrivals.map((a, id) => ({ id, lane: a.lane, arrival: (t += a.gap), place: null as number | null, sent: false }));
  const sends: Array<{ id: number; lane: number; at: number }> = [];
  const events: Array<{ at: number; id: number }> = [];
  const headOf = (lane: number) => msgs.find((m) => m.lane === lane && !m.sent);
  for (const lane of new Set(msgs.map((m) => m.lane))) {
    const h = headOf(lane)!;
    events.push({ at: h.arrival, id: h.id });
  }
  let wakes = 0;
  while (events.length > 0) {
    events.sort((a, b) => a.at - b.at || a.id - b.id);
    const ev = events.shift()!;
    const m = msgs[ev.id]!;
    const now = ev.at;
    wakes++;
    const d = decideLimiter({
      nowMs: now,
      laneTimes: sends.filter((x) => x.lane === m.lane).map((x) => x.at),
      tenantTimes: sends.map((x) => x.at),
      tenantQueue: msgs.filter((x) => x !== m && x.place !== null && x.place > now).map((x) => x.place as number),
      holdsPlace: m.place !== null,
      cost: 1,
      laneWindows: TEAMS_THREAD_WINDOWS,
      tenantWindows: tenantWindows(perSecond),
      marginMs,
    });
    if (d.kind === 'go') {
      m.sent = true;
      m.place = null;
      sends.push({ id: m.id, lane: m.lane, at: now });
      const next = headOf(m.lane);
      if (next) events.push({ at: Math.max(now, next.arrival), id: next.id });
    } else {
      expect(d.untilMs).toBeGreaterThan(now);
      if (d.reserve) m.place = d.untilMs;
      else if (!d.keepPlace) m.place = null;
      events.push({ at: d.untilMs, id: m.id });
    }
  }
  return { sends, wakes };
}

describe('what happens after a failed attempt', () => {
  const never = () => 0;
  const policy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 8 };

  it.each([
    [429, 'send'],
    [412, 'send'],
    [500, 'send'],
    [502, 'update'],
    [503, 'createPersonal'],
    [504, 'send'],
    [408, 'send'],
  ] as const)('retries %i on a %s', (status, op) => {
    expect(decideAfterFailure(op, { status, error: 'x' }, 1, policy, never).kind).toBe('retry');
  });

  it('retries network errors and timeouts', () => {
    expect(decideAfterFailure('send', { error: 'ECONNRESET', outcomeUnknown: true }, 1, policy, never).kind).toBe('retry');
    expect(decideAfterFailure('send', { error: 'timeout' }, 1, policy, never).kind).toBe('retry');
  });

  it.each([
    [403, 'send', 'blocked', true],
    [403, 'createPersonal', 'blocked', true],
    [403, 'update', 'blocked', false],
    [404, 'update', 'deleted', false],
    [404, 'send', 'conversation_not_found', false],
    [413, 'send', 'too_large', false],
    [400, 'send', 'rejected', false],
    [401, 'update', 'rejected', false],
    [501, 'send', 'rejected', false],
  ] as const)('ends %i on a %s as %s', (status, op, reason, deactivateReference) => {
    expect(decideAfterFailure(op, { status, error: 'x' }, 1, policy, never)).toEqual({ kind: 'fail', reason, deactivateReference });
  });

  it('gives up with max_attempts once the last attempt failed', () => {
    expect(decideAfterFailure('send', { status: 503, error: 'x' }, 7, policy, never).kind).toBe('retry');
    expect(decideAfterFailure('send', { status: 503, error: 'x' }, 8, policy, never)).toEqual({ kind: 'fail', reason: 'max_attempts', deactivateReference: false });
  });

  it('waits what Retry-After says, capped, plus at most 10 % jitter', () => {
    const d = (ms: number, r: number) => decideAfterFailure('send', { status: 429, retryAfterMs: ms, error: 'x' }, 1, policy, () => r);
    expect(d(3_000, 0)).toEqual({ kind: 'retry', delayMs: 3_000 });
    expect(d(3_000, 1)).toEqual({ kind: 'retry', delayMs: 3_300 });
    expect(d(3_600_000, 0)).toEqual({ kind: 'retry', delayMs: policy.retryAfterCapMs });
  });

  it('backs off exponentially with jitter, within bounds, for any attempt', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
        const d = backoffDelayMs(attempt, policy, () => r);
        expect(d).toBeGreaterThanOrEqual(Math.floor(exp / 2));
        expect(d).toBeLessThanOrEqual(Math.ceil(exp));
        expect(d).toBeLessThanOrEqual(policy.maxDelayMs);
      }),
    );
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, policy, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['1', 1_000],
    ['0', 0],
    ['120', 120_000],
    ['1.5', 1_500],
    [' 2 ', 2_000],
  ])('reads delay-seconds %j', (value, ms) => {
    expect(parseRetryAfter(value, T0)).toBe(ms);
  });

  it('reads an HTTP date relative to now, and never goes negative', () => {
    const inTenSeconds = new Date(T0 + 10_000).toUTCString();
    expect(parseRetryAfter(inTenSeconds, T0)).toBe(10_000);
    expect(parseRetryAfter(new Date(T0 - 60_000).toUTCString(), T0)).toBe(0);
  });

  it.each([undefined, null, '', 'soon', '-5', '1e3'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, T0)).toBeUndefined();
  });
});

describe('toBaseConversationId', () => {
  it('counts a channel thread against its channel', () => {
    expect(toBaseConversationId('19:abc@thread.tacv2;messageid=1700000000000')).toBe('19:abc@thread.tacv2');
    expect(toBaseConversationId('a:1xyz')).toBe('a:1xyz');
  });
});
