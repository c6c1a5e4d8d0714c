import type { LaunchOptions } from 'puppeteer-core';

/**
 * Debian's chromium, never a downloaded one. As root the sandbox must be off; the background
 * services are switched off because this machine (and a production renderer) has no internet.
 */
export function chromiumLaunchOptions(executablePath: string, userDataDir?: string): LaunchOptions {
  return {
    executablePath,
    headless: true,
    // a profile under DATA_DIR (see browser-leftovers.ts) instead of puppeteer's temporary one
    ...(userDataDir ? { userDataDir } : {}),
    args: [
      '--no-sandbox',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-gpu',
      '--disable-quic',
      '--font-render-hinting=none',
    ],
  };
}
