import * as fs from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import type { Request } from 'express';
import { LIGHT_LABELS, PERIOD_NAME, Period, STATUS_NAME, whoLabel } from '@selfeval/domain';
import { csrfToken } from '../auth/session.setup';
import type { RequestActor } from '../auth/access.decorators';

/** templates/web from source (ts-jest) or from dist/. */
function webDir(): string {
  for (const up of ['../../../..', '../../../../..']) {
    const dir = path.join(__dirname, up, 'templates', 'web');
    if (fs.existsSync(dir)) return dir;
  }
  throw new Error(`templates/web not found from ${__dirname}`);
}

export const WEB_DIR = webDir();

// on the board a missing light means the lights were not computed (yet), not that nothing was reported
const LIGHTS: Record<string, string> = { ...LIGHT_LABELS, none: '未计算' };
const STATUS: Record<string, string> = STATUS_NAME;

/**
 * Server-rendered pages: one isolated Handlebars environment, a layout with the navigation of the
 * user's role, and every value escaped ({{ }} only; no triple-stash in templates/web).
 */
export class WebViews {
  private readonly hbs = Handlebars.create();
  private readonly pages = new Map<string, Handlebars.TemplateDelegate>();
  private readonly layout: Handlebars.TemplateDelegate;

  constructor(private readonly dir = WEB_DIR) {
    const partials = path.join(dir, 'partials');
    for (const f of fs.existsSync(partials) ? fs.readdirSync(partials) : [])
      this.hbs.registerPartial(path.basename(f, '.hbs'), fs.readFileSync(path.join(partials, f), 'utf8'));
    this.hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    this.hbs.registerHelper('light', (l: string | null) => LIGHTS[l ?? 'none'] ?? l);
    this.hbs.registerHelper('status', (s: string | null) => (s ? (STATUS[s] ?? s) : '未填报'));
    this.hbs.registerHelper('selected', (a: unknown, b: unknown) => (a === b ? 'selected' : ''));
    this.hbs.registerHelper('gt', (a: number, b: number) => a > b);
    this.hbs.registerHelper('minus', (a: number, b: number) => a - b);
    this.hbs.registerHelper('quarterName', (p: string) => PERIOD_NAME[p as Period] ?? p);
    this.hbs.registerHelper('quarterShort', (p: string) => (PERIOD_NAME[p as Period] ?? p).replace(/（.*$/, ''));
    this.layout = this.hbs.compile(fs.readFileSync(path.join(dir, 'layout.hbs'), 'utf8'));
  }

  render(req: Request, page: string, title: string, data: Record<string, unknown> = {}): string {
    let tpl = this.pages.get(page);
    if (!tpl) {
      tpl = this.hbs.compile(fs.readFileSync(path.join(this.dir, 'pages', `${page}.hbs`), 'utf8'));
      this.pages.set(page, tpl);
    }
    const actor = (req as Request & { actor?: RequestActor }).actor;
    const user = actor?.user;
    const ctx = {
      ...data,
      title,
      csrf: csrfToken(req),
      user: user ? { ...user, who: whoLabel(user.displayName, user.role) } : null,
      nav: user && !user.mustChangePassword ? navFor(user.role) : [],
      path: req.path,
    };
    return this.layout({ ...ctx, body: new this.hbs.SafeString(tpl(ctx)) });
  }
}

function navFor(role: string): { href: string; label: string }[] {
  const nav = [{ href: '/', label: '首页' }];
  if (role === 'admin' || role === 'evaluator') nav.push({ href: '/board', label: '监控看板' });
  if (role === 'admin')
    nav.push(
      { href: '/admin/import', label: '导入目标表' },
      { href: '/admin/sheets', label: '目标表批复' },
      { href: '/admin/periods', label: '报告期' },
      { href: '/admin/users', label: '用户与分配' },
      { href: '/admin/queues', label: '作业队列' },
    );
  nav.push({ href: '/password', label: '修改密码' });
  return nav;
}
