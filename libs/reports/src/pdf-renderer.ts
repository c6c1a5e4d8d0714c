import type { Browser, Page } from 'puppeteer-core';
import { newProfileDir, reapLeftoverBrowsers, removeProfile, writeLock } from './browser-leftovers';
import { chromiumLaunchOptions } from './browser-options';
import { metaContent, withPdfInfo } from './pdf-info';

export interface RendererOptions {
  executablePath: string;
  /** reused pages; 2 measured best on 2 cores (platform.md) */
  pages?: number;
  /** relaunch the browser after this many renders, so its memory cannot creep */
  maxRendersPerBrowser?: number;
  timeoutMs?: number;
  /**
   * Where browser profiles live (DATA_DIR/chromium). With it, each browser's profile and pids are
   * recorded there, and a browser left by a killed process is stopped when the next renderer starts.
   */
  profileRoot?: string;
}

export interface PdfOptions {
  /** 第 X 页 共 Y 页 in the footer */
  pageNumbers?: boolean;
}

/**
 * What a template asks of its PDF, read from its own <head>, so that every caller gets the same
 * document: <meta name="author"> becomes the PDF's author (the unit), <meta name="pdf-outline"
 * content="headings"> turns the headings into bookmarks (a tagged PDF, which Chromium needs for that).
 */
function documentRequests(html: string) {
  return { author: metaContent(html, 'author'), outline: metaContent(html, 'pdf-outline') === 'headings' };
}

const FOOTER = `<div style="width:100%;text-align:center;font-family:'AR PL UMing CN',serif;font-size:9pt;color:#000;">第 <span class="pageNumber"></span> 页 共 <span class="totalPages"></span> 页</div>`;

/**
 * One Chromium per process with a small pool of reused pages. Pages run no JavaScript and load
 * nothing from the network: every request other than the document itself is aborted. A render that
 * takes too long closes its page; a crashed browser is relaunched on the next render.
 */
export class PdfRenderer {
  private browser?: Promise<Browser>;
  /** the resolved current browser; pages of any other browser are from a retired one */
  private current?: Browser;
  /** retired browsers and how many of their pages are still rendering */
  private readonly retired = new Map<Browser, number>();
  private idle: Page[] = [];
  private waiters: ((p: Page) => void)[] = [];
  private created = 0;
  private renders = 0;
  /** requests the pages tried to make and were refused (visible for tests and logs) */
  blockedRequests: string[] = [];

  /** browsers a killed predecessor left running, stopped at construction */
  readonly reaped: number[] = [];

  constructor(private readonly options: RendererOptions) {
    if (options.profileRoot) this.reaped = reapLeftoverBrowsers(options.profileRoot).stopped;
  }

  private async launch(): Promise<Browser> {
    const puppeteer = await import('puppeteer-core');
    const root = this.options.profileRoot;
    const profileDir = root ? newProfileDir(root) : undefined;
    let browser: Browser;
    try {
      browser = await puppeteer.launch(chromiumLaunchOptions(this.options.executablePath, profileDir));
    } catch (e) {
      if (profileDir) removeProfile(profileDir);
      throw e;
    }
    const browserPid = browser.process()?.pid;
    if (profileDir && browserPid) writeLock({ ownerPid: process.pid, browserPid, profileDir });
    browser.once('disconnected', () => {
      // puppeteer removes only its own temporary profiles; ours goes once the browser is gone
      if (profileDir) void waitForExit(browser).then(() => removeProfile(profileDir));
      // crashed: forget it and its pages; the next render launches a new one. A retired browser
      // closing must not touch the state of the browser that replaced it.
      this.retired.delete(browser);
      if (this.current === browser) this.reset();
    });
    this.current = browser;
    return browser;
  }

  private reset() {
    this.browser = undefined;
    this.current = undefined;
    this.idle = [];
    this.created = 0;
    this.renders = 0;
  }

  /** After N renders: new renders go to a fresh browser; the old one closes when its last page is done. */
  private retire() {
    const old = this.current;
    const busy = this.created - this.idle.length;
    const idle = this.idle;
    this.reset();
    if (!old) return;
    for (const p of idle) void p.close().catch(() => undefined);
    if (busy === 0) void old.close().catch(() => undefined);
    else this.retired.set(old, busy);
  }

  private async newPage(): Promise<Page> {
    if (!this.browser) {
      // a launch that fails (Chromium killed while starting) must not be remembered: the next render tries again
      const launching = this.launch();
      this.browser = launching;
      launching.catch(() => {
        if (this.browser === launching) this.reset();
      });
    }
    const page = await (await this.browser).newPage();
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      const url = req.url();
      if (url.startsWith('data:') || url === 'about:blank') void req.continue();
      else {
        this.blockedRequests.push(url);
        void req.abort('blockedbyclient');
      }
    });
    return page;
  }

  private async acquire(): Promise<Page> {
    const page = this.idle.pop();
    if (page && !page.isClosed()) return page;
    if (this.created < (this.options.pages ?? 2)) {
      this.created++;
      try {
        return await this.newPage();
      } catch (e) {
        this.created--;
        throw e;
      }
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(page: Page) {
    const owner = page.browser();
    if (owner !== this.current) {
      // a page of a retired browser: close it (and the browser with its last page), serve a waiter anew
      void page.close().catch(() => undefined);
      const left = (this.retired.get(owner) ?? 1) - 1;
      if (left <= 0) {
        this.retired.delete(owner);
        void owner.close().catch(() => undefined);
      } else this.retired.set(owner, left);
      const waiter = this.waiters.shift();
      if (waiter) this.acquire().then(waiter, () => undefined);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter(page);
    else this.idle.push(page);
  }

  async render(html: string, opts: PdfOptions = {}, retried = false): Promise<Buffer> {
    if ((this.options.maxRendersPerBrowser ?? 500) <= this.renders) this.retire();
    const page = await this.acquire();
    this.renders++;
    let timer: NodeJS.Timeout | undefined;
    try {
      const asked = documentRequests(html);
      const work = (async () => {
        await page.setContent(html, { waitUntil: 'load' });
        const pdf = await page.pdf({
          format: 'A4',
          printBackground: true,
          preferCSSPageSize: true,
          displayHeaderFooter: !!opts.pageNumbers,
          headerTemplate: '<div></div>',
          footerTemplate: opts.pageNumbers ? FOOTER : '<div></div>',
          outline: asked.outline,
          tagged: asked.outline,
        });
        return asked.author ? withPdfInfo(Buffer.from(pdf), { title: await page.title(), author: asked.author }) : pdf;
      })();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`PDF render timed out after ${this.options.timeoutMs ?? 30_000} ms`)),
          this.options.timeoutMs ?? 30_000,
        );
      });
      const pdf = await Promise.race([work, timeout]);
      this.release(page);
      return Buffer.from(pdf);
    } catch (e) {
      clearTimeout(timer);
      const browser = page.browser();
      if (!browser.connected) {
        // the browser died under this render (killed, crashed) before its 'disconnected' event reset the pool:
        // forget it now and render once more on a new one
        if (this.current === browser) this.reset();
        if (!retried) return this.render(html, opts, true);
        throw e;
      }
      // a page that failed or hung is not reused
      if (page.browser() === this.current) {
        this.created = Math.max(0, this.created - 1);
        await page.close().catch(() => undefined);
        const waiter = this.waiters.shift();
        if (waiter) this.acquire().then(waiter, () => undefined);
      } else this.release(page);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** For tests and operators: the browser process, to check relaunch after a crash. */
  async browserPid(): Promise<number | undefined> {
    return this.browser ? (await this.browser).process()?.pid : undefined;
  }

  async close(): Promise<void> {
    const b = this.browser;
    const old = [...this.retired.keys()];
    this.retired.clear();
    this.reset();
    await Promise.all(old.map((o) => o.close().catch(() => undefined)));
    if (b) await (await b).close().catch(() => undefined);
  }

  /** For tests: where the current browser keeps its profile (undefined without profileRoot). */
  async profileDir(): Promise<string | undefined> {
    const args = this.browser ? ((await this.browser).process()?.spawnargs ?? []) : [];
    return args.find((a) => a.startsWith('--user-data-dir='))?.slice('--user-data-dir='.length);
  }

  /** For tests: browsers still open (the current one and retired ones finishing their pages). */
  openBrowsers(): number {
    return (this.current ? 1 : 0) + this.retired.size;
  }
}

/** Resolves when the browser process has exited (its profile files are closed). */
function waitForExit(browser: Browser): Promise<void> {
  const child = browser.process();
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
