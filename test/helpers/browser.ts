import * as fs from 'node:fs';
import * as path from 'node:path';
import puppeteer, { Browser, ElementHandle, Page } from 'puppeteer-core';
import { chromiumLaunchOptions } from '@selfeval/reports';
import { TEST_PASSWORD } from './auth';

export const ARTIFACTS = path.join(__dirname, '../../test-artifacts');

/**
 * The two screen sizes every page is looked at: a county office laptop and a phone. Width only: switching
 * `isMobile`/`hasTouch` makes Chromium reload the page, which would lose what was typed (or re-send a form)
 * before the screenshot; the pages' layout depends on the width alone.
 */
export const SCREENS = {
  desk: { width: 1366, height: 768 },
  phone: { width: 390, height: 844 },
} as const;

/**
 * A person at a real Chromium, walking the pages of a running app: signs in through the login form, follows
 * links and submits forms, takes screenshots at both sizes. No API calls: what it does, a user can do.
 */
export class BrowserWalk {
  /** Runs on every page the walk lands on (after `go` and `submit`), e.g. an accessibility audit. */
  afterLoad?: () => Promise<void>;

  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    readonly base: string,
    private readonly prefix: string,
    /** false for a second tab: closing it leaves the browser to the walk that opened it */
    private readonly ownsBrowser = true,
  ) {}

  static async open(base: string, prefix: string): Promise<BrowserWalk> {
    const browser = await puppeteer.launch(chromiumLaunchOptions(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'));
    const page = await browser.newPage();
    await page.setViewport(SCREENS.desk);
    return new BrowserWalk(browser, page, base, prefix);
  }

  /** Another tab of the same browser (the same cookies: the same signed-in user); `close()` closes the tab only. */
  async tab(): Promise<BrowserWalk> {
    const page = await this.browser.newPage();
    await page.setViewport(SCREENS.desk);
    return new BrowserWalk(this.browser, page, this.base, this.prefix, false);
  }

  async close(): Promise<void> {
    if (this.ownsBrowser) await this.browser.close();
    else await this.page.close();
  }

  path(): string {
    return new URL(this.page.url()).pathname;
  }

  /** Opens a page by its address (as a bookmark or a typed address would); the HTTP status it answered. */
  async go(url: string): Promise<number | undefined> {
    const res = await this.page.goto(`${this.base}${url}`, { waitUntil: 'load' });
    await this.afterLoad?.();
    return res?.status();
  }

  /** Clicks what submits a form or follows a link and waits for the next page; the HTTP status it answered. */
  async submit(selector: string): Promise<number | undefined> {
    const [res] = await Promise.all([this.page.waitForNavigation({ waitUntil: 'load' }), this.page.click(selector)]);
    await this.afterLoad?.();
    return res?.status();
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

  async upload(selector: string, ...files: string[]): Promise<void> {
    const input = (await this.page.$(selector)) as ElementHandle<HTMLInputElement> | null;
    if (!input) throw new Error(`no file input ${selector} on ${this.page.url()}`);
    await input.uploadFile(...files);
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

  /**
   * No dead end: the page is no error page (出错了, raw JSON, an English framework message, a stack trace) and shows
   * nothing a person should not see (raw codes, internal ids, machine dates, `undefined`), and it holds `selector`:
   * the form the user was on, or what the action should lead to.
   */
  async onForm(selector: string): Promise<void> {
    const body = await this.page.evaluate(() => document.body.innerText);
    const signs = deadEndSigns(body);
    if (signs.length) throw new Error(`${this.page.url()} shows ${signs.join('; ')}:\n${body.slice(0, 2000)}`);
    await this.expectForm(selector);
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

const DEAD_END_SIGNS: [string, RegExp][] = [
  ['the error page', /出错了/],
  ['raw JSON', /^\s*[{[]|"(statusCode|message|code)"\s*:/],
  [
    'an English framework message',
    /Internal Server Error|Cannot (GET|POST|PUT)|Not Found|Forbidden|Unauthorized|Bad Request|Payload Too Large|Unprocessable|Exception|Error:/i,
  ],
  ['a stack trace', /\bat [\w.<>]+ \(?[^\s)]*:\d+:\d+\)?/],
  ['a raw code', /\b[A-Z]{3,}_[A-Z_]{2,}\b/],
  ['an internal id', /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i],
  // a scoring profile's or outline's id (national-2020, hunan-2020): users read its name
  ['an internal name', /\b[a-z]+(-[a-z]+)*-\d{4}\b/],
  ['a machine date', /\d{4}-\d\d-\d\dT\d\d|GMT[+-]\d|中国标准时间/],
  ['a missing value', /\bundefined\b|\bNaN\b|\[object Object\]|Invalid Date/],
];

/** What on a page's text says it is an error page or shows what a person should not see (empty: nothing). */
export function deadEndSigns(text: string): string[] {
  return DEAD_END_SIGNS.filter(([, re]) => re.test(text)).map(([name, re]) => `${name} (${re.exec(text)![0]})`);
}
