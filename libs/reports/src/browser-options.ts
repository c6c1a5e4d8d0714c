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
    // the process's own shutdown closes the browser (and puppeteer then removes its profile); puppeteer's
    // signal handlers would race it and let the process exit before the profile is removed
    handleSIGTERM: false,
    handleSIGHUP: false,
    handleSIGINT: false,
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
