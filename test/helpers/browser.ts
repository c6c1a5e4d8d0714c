import * as fs from 'node:fs';
import * as path from 'node:path';
import puppeteer, { Browser, ElementHandle, Page } from 'puppeteer-core';
import { chromiumLaunchOptions } from '@selfeval/reports';
import { TEST_PASSWORD } from './auth';

export const ARTIFACTS = path.join(__dirname, '../../test-artifacts');

/** The two screen sizes every page is looked at: a county office laptop and a phone. */
export const SCREENS = {
  desk: { width: 1366, height: 768 },
  phone: { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
} as const;

/**
 * A person at a real Chromium, walking the pages of a running app: signs in through the login form, follows
 * links and submits forms, takes screenshots at both sizes. No API calls: what it does, a user can do.
 */
export class BrowserWalk {
  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    readonly base: string,
    private readonly prefix: string,
  ) {}

  static async open(base: string, prefix: string): Promise<BrowserWalk> {
    const browser = await puppeteer.launch(chromiumLaunchOptions(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'));
    const page = await browser.newPage();
    await page.setViewport(SCREENS.desk);
    return new BrowserWalk(browser, page, base, prefix);
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  path(): string {
    return new URL(this.page.url()).pathname;
  }

  async go(url: string): Promise<void> {
    await this.page.goto(`${this.base}${url}`, { waitUntil: 'load' });
  }

  /** Clicks what submits a form or follows a link and waits for the next page. */
  async submit(selector: string): Promise<void> {
    await Promise.all([this.page.waitForNavigation({ waitUntil: 'load' }), this.page.click(selector)]);
  }

  async text(selector: string): Promise<string> {
    return this.page.$eval(selector, (e) => (e as HTMLElement).innerText.trim());
  }

  async has(selector: string): Promise<boolean> {
    return (await this.page.$(selector)) !== null;
  }

  /** Replaces what a field holds with `value`, typed as a person types it. */
  async fill(selector: string, value: string): Promise<void> {
    await this.page.$eval(selector, (e) => ((e as HTMLInputElement).value = ''));
    if (value) await this.page.type(selector, value);
  }

  async value(selector: string): Promise<string> {
    return this.page.$eval(selector, (e) => (e as HTMLInputElement).value);
  }

  async upload(selector: string, file: string): Promise<void> {
    const input = (await this.page.$(selector)) as ElementHandle<HTMLInputElement> | null;
    if (!input) throw new Error(`no file input ${selector} on ${this.page.url()}`);
    await input.uploadFile(file);
  }

  async signIn(username: string, password = TEST_PASSWORD): Promise<void> {
    await this.go('/login');
    await this.fill('#username', username);
    await this.fill('#password', password);
    await this.submit('button[type=submit]');
  }

  async signOut(): Promise<void> {
    await this.submit('form.who button');
  }

  /**
   * The page still holds the form the user was on (after an error: the same form, never a dead end), and the
   * page is not one of the bare error pages.
   */
  async expectForm(formSelector: string): Promise<void> {
    const found = await this.has(formSelector);
    if (!found)
      throw new Error(`expected the form ${formSelector} on ${this.page.url()}, got: ${await this.text('main')}`);
  }

  /** Full-page screenshots at 1366×768 and 390×844, as test-artifacts/<prefix>-<name>-{desk,phone}.png. */
  async shot(name: string): Promise<void> {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    for (const [size, viewport] of Object.entries(SCREENS)) {
      await this.page.setViewport(viewport);
      await this.page.screenshot({ path: path.join(ARTIFACTS, `${this.prefix}-${name}-${size}.png`), fullPage: true });
    }
    await this.page.setViewport(SCREENS.desk);
  }

  /** One element (e.g. a page's section) at both sizes, as test-artifacts/<prefix>-<name>-{desk,phone}.png. */
  async shotOf(selector: string, name: string): Promise<void> {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    for (const [size, viewport] of Object.entries(SCREENS)) {
      await this.page.setViewport(viewport);
      const element = await this.page.$(selector);
      if (!element) throw new Error(`no ${selector} on ${this.page.url()}`);
      await element.screenshot({ path: path.join(ARTIFACTS, `${this.prefix}-${name}-${size}.png`) });
    }
    await this.page.setViewport(SCREENS.desk);
  }

  /** Cookies of the signed-in session, for fetching a download the way the browser would. */
  async cookieHeader(): Promise<string> {
    return (await this.page.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  }

  /** Widths of the page wider than the phone's screen (horizontal scrolling of the whole page), in CSS pixels. */
  async phoneOverflow(): Promise<number> {
    await this.page.setViewport(SCREENS.phone);
    const over = await this.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await this.page.setViewport(SCREENS.desk);
    return over;
  }
}
