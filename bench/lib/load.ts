// Closed-loop load: N workers, each sends one request, waits for its answer (and, for a bot, for
// the reply at the fake connector), then sends the next. A warm-up precedes the measured window;
// only requests that complete inside the window count.
import http from 'node:http';

/** A keep-alive HTTP/1.1 client for one server; one socket per worker. */
export class KeepAliveClient {
  readonly agent: http.Agent;
  private readonly url: URL;

  constructor(baseUrl: string, maxSockets: number) {
    this.url = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, keepAliveMsecs: 1000 });
  }

  post(path: string, body: string, timeoutMs = 15_000): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface Latency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles, in ms. */
/** The latency samples of several rounds as one array (for pooled percentiles). */
export function poolSamples(rounds: readonly Float64Array[]): Float64Array {
  const pooled = new Float64Array(rounds.reduce((n, x) => n + x.length, 0));
  let off = 0;
  for (const x of rounds) {
    pooled.set(x, off);
    off += x.length;
  }
  return pooled;
}

export function latencyOf(samples: Float64Array): Latency {
  if (samples.length === 0) return { p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
  let sum = 0;
  for (const s of sorted) sum += s;
  return { p50: at(50), p90: at(90), p99: at(99), max: sorted[sorted.length - 1] as number, mean: sum / sorted.length };
}

class Samples {
  private buf = new Float64Array(4096);
  length = 0;
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  values(): Float64Array {
    return this.buf.subarray(0, this.length);
  }
}

export interface LoadResult {
  concurrency: number;
  warmupS: number;
  durationS: number;
  /** Successful requests completed inside the measured window. */
  requests: number;
  /** Failed requests (non-2xx, no reply at the connector, socket errors) in the window. */
  errors: number;
  firstError?: string;
  throughput: number;
  latencyMs: Latency;
  /** Requests sent in total, warm-up included. */
  totalSent: number;
  /** The latencies of the counted requests (ms), for pooling over rounds. */
  samples: Float64Array;
}

export interface LoadHooks {
  /** Called when the measured window opens and closes (e.g. to read CPU counters). */
  onWindowStart?(): void;
  onWindowEnd?(): void;
}

/**
 * Runs `concurrency` closed-loop workers for warmupS + durationS seconds. `one(i)` performs
 * request number i (0, 1, 2, … over all workers) and throws on failure.
 */
export async function closedLoop(
  concurrency: number,
  warmupS: number,
  durationS: number,
  one: (i: number) => Promise<void>,
  hooks: LoadHooks = {},
): Promise<LoadResult> {
  const t0 = performance.now();
  const windowStart = t0 + warmupS * 1000;
  const windowEnd = windowStart + durationS * 1000;
  const samples = new Samples();
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  let windowOpened = false;
  const openWindow = () => {
    if (windowOpened) return;
    windowOpened = true;
    hooks.onWindowStart?.();
  };
  const startTimer = setTimeout(openWindow, Math.max(0, windowStart - performance.now()));
  let endFired = false;
  const closeWindow = () => {
    if (endFired) return;
    endFired = true;
    openWindow();
    hooks.onWindowEnd?.();
  };
  const endTimer = setTimeout(closeWindow, Math.max(0, windowEnd - performance.now()));

  async function worker(): Promise<void> {
    while (performance.now() < windowEnd) {
      const i = next++;
      const start = performance.now();
      let failed: unknown = null;
      try {
        await one(i);
      } catch (err) {
        failed = err;
      }
      const end = performance.now();
      if (end < windowStart || end > windowEnd) continue;
      if (failed) {
        errors++;
        firstError ??= failed instanceof Error ? failed.message : String(failed);
      } else {
        samples.push(end - start);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  closeWindow();
  const values = samples.values();
  return {
    concurrency,
    warmupS,
    durationS,
    requests: values.length,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    throughput: values.length / durationS,
    latencyMs: latencyOf(values),
    totalSent: next,
    samples: Float64Array.from(values),
  };
}

/** Sends exactly `count` requests with `concurrency` workers; all of them count. */
export async function fixedCount(
  concurrency: number,
  count: number,
  one: (i: number) => Promise<void>,
): Promise<{ requests: number; errors: number; firstError?: string; seconds: number; throughput: number; latencyMs: Latency }> {
  const samples = new Samples();
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const t0 = performance.now();
  async function worker(): Promise<void> {
    while (next < count) {
      const i = next++;
      const start = performance.now();
      try {
        await one(i);
        samples.push(performance.now() - start);
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, () => worker()));
  const seconds = (performance.now() - t0) / 1000;
  const values = samples.values();
  return {
    requests: values.length,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    seconds,
    throughput: values.length / seconds,
    latencyMs: latencyOf(values),
  };
}
