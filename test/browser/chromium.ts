// Finds and launches the system Chromium (Debian's /usr/bin/chromium) for the browser tests.
// playwright-core ships no browser, so the tests drive the one the OS installed.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
export const INSTALL_CHROMIUM = 'apt-get install -y chromium';

export type ChromiumLookup = { found: true; executablePath: string } | { found: false; message: string };

/** CADANS_CHROMIUM overrides the path (also a way to check the "browser missing" behaviour). */
export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const executablePath = env.CADANS_CHROMIUM || DEFAULT_CHROMIUM;
  if (existsSync(executablePath)) return { found: true, executablePath };
  const where = env.CADANS_CHROMIUM ? `${executablePath} (from CADANS_CHROMIUM)` : executablePath;
  return {
    found: false,
    message: `Chromium is not installed at ${where}, so the browser test cannot run. Install it with: ${INSTALL_CHROMIUM}`,
  };
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface LaunchedChromium {
  browser: Browser;
  /** Safe to call more than once, and when launching failed half-way. */
  close(): Promise<void>;
}

/**
 * A headless Chromium. playwright-core gives every launch() its own fresh user-data directory in
 * the temp dir and removes it on close.
 */
export async function launchChromium(executablePath: string): Promise<LaunchedChromium> {
  const browser = await chromium.launch({ executablePath, headless: true, args: ARGS, timeout: 30_000 });
  let closed: Promise<void> | null = null;
  return {
    browser,
    close() {
      closed ??= browser.close().catch(() => undefined);
      return closed;
    },
  };
}
