import type { LaunchOptions } from 'puppeteer-core';

/**
 * Debian's chromium, never a downloaded one. As root the sandbox must be off; the background
 * services are switched off because this machine (and a production renderer) has no internet.
 */
export function chromiumLaunchOptions(executablePath: string): LaunchOptions {
  return {
    executablePath,
    headless: true,
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
