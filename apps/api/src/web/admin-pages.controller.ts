import { ApiExcludeController } from '@nestjs/swagger';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  Body,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  UploadedFiles,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { PeriodsService } from '@selfeval/actuals';
import { SessionUser, UsersService } from '@selfeval/auth';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import {
  decodeUploadName,
  DEPARTMENT_SHEET_NAME,
  DomainError,
  formatDateTime,
  MAX_DOCUMENT_BYTES,
  PERIOD_NAME,
  PERIODS,
  Role,
  ROLE_LABELS,
  ROLES,
  sheetLabel,
  STATUS_NAME,
  Warning,
} from '@selfeval/domain';
import { TodoService } from '@selfeval/evaluation';
import { JobProducer, Queue } from '@selfeval/jobs';
import { failedJobsUrl } from '../admin-queues/queue-board';
import { importFiles, parseFiles, StoredSheetSummary, TargetsService, VersionReview } from '@selfeval/targets';
import type { SheetStatus } from '@selfeval/db';
import { Actor, Allow, Public } from '../auth/access.decorators';
import { handleForm, sendPage, UploadTooLargeFilter } from './form-errors';
import { WEB_DIR, WebViews } from './web-views';

type Form = Record<string, string | undefined>;

declare module 'express-session' {
  interface SessionData {
    /** a refused import upload's message, shown once by the import page the POST redirects to */
    importError?: string;
  }
}

/**
 * The import upload is a multipart form whose CSRF token is in the query string (the check runs before multer
 * reads the body): every answer to it is a redirect (Post/Redirect/Get), so the token never stays in the
 * address bar. A refused file's message goes along in the session; a file above the size limit, refused by
 * multer before the handler runs, goes the same way.
 */
function importTooLarge(req: Request): string {
  req.session.importError = `文件超过大小上限（${Math.round(MAX_DOCUMENT_BYTES / 1024 / 1024)} MB），未导入`;
  return '/admin/import';
}

/** The message of a DomainError beside the field it names (`{ year: '…' }`), else at the top of the form. */
function fieldError(e: DomainError, fields: readonly string[]) {
  const field = e.where.field ?? '';
  return fields.includes(field) ? { errors: { [field]: e.userMessage } } : { error: e.userMessage };
}

const SHEET_FILTERS: { value: string; label: string; status?: SheetStatus }[] = [
  { value: 'draft', label: '待批复', status: 'draft' },
  { value: 'approved', label: '已批复（现行）', status: 'approved' },
  { value: 'rejected', label: '已驳回', status: 'rejected' },
  { value: 'all', label: '全部版本' },
];

/** Import warnings grouped by sheet, then row: the Chinese message only (the code is for the JSON API). */
function groupWarnings(warnings: Warning[]) {
  const groups = new Map<string, { row: number | null; where: string; message: string }[]>();
  for (const w of warnings) {
    const sheet = w.where?.sheet || '整个文件';
    const where = [w.where?.row ? `第 ${w.where.row} 行` : '', w.where?.cell ? `单元格 ${w.where.cell}` : '']
      .filter(Boolean)
      .join(' ');
    groups.set(sheet, [...(groups.get(sheet) ?? []), { row: w.where?.row ?? null, where, message: w.message }]);
  }
  return [...groups].map(([sheet, items]) => ({
    sheet,
    items: items.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)),
  }));
}

const OUTCOME_NAME: Record<StoredSheetSummary['outcome'], string> = {
  created: '新建',
  'new-version': '新版本（目标调整）',
  unchanged: '未变化',
};
const ASSETS: Record<string, string> = { 'app.css': 'text/css; charset=utf-8' };

/** Administrator pages: import with preview, accounts and assignments, queue state; and the static assets. */
// pages, not JSON: kept out of the OpenAPI document
@ApiExcludeController()
@Controller()
export class AdminPagesController {
  private readonly uploads: string;

  constructor(
    private readonly views: WebViews,
    private readonly targets: TargetsService,
    private readonly users: UsersService,
    private readonly jobs: JobProducer,
    private readonly periods: PeriodsService,
    private readonly todos: TodoService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.uploads = path.join(config.dataDir, 'uploads');
  }

  @Get('assets/:file')
  @Public()
  asset(@Param('file') file: string, @Res() res: Response) {
    const type = ASSETS[file];
    if (!type) throw new NotFoundException();
    res
      .type(type)
      .setHeader('Cache-Control', 'public, max-age=300')
      .send(fs.readFileSync(path.join(WEB_DIR, 'assets', file)));
  }

  // ---- import: upload → preview with warnings → confirm -------------------------------------
  @Get('admin/import')
  @Allow('targets.manage')
  async importPage(@Req() req: Request, @Res() res: Response, @Query('preview') token?: string) {
    if (token === undefined) {
      const error = req.session.importError;
      delete req.session.importError;
      return sendPage(res, this.importForm(req, error), error ? 422 : 200);
    }
    // the preview of files uploaded by the POST below (its address carries no CSRF token)
    try {
      const docs = this.uploaded(token);
      const result = await importFiles(this.targets, await parseFiles(docs), { dryRun: true });
      res.type('html').send(
        this.views.render(req, 'import', '导入预览', {
          token,
          files: docs.map((d) => d.name),
          sheets: result.sheets.map((s) => ({
            kind: s.kind === 'department' ? '部门整体' : '项目',
            year: s.year,
            unit: s.unit.name,
            name: s.project?.name ?? DEPARTMENT_SHEET_NAME,
            indicators: s.indicators.length,
            total: s.budget.total ?? '',
          })),
          warningCount: result.warnings.length,
          warningGroups: groupWarnings(result.warnings),
        }),
      );
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      sendPage(res, this.importForm(req, e.userMessage), 422);
    }
  }

  /** The upload form, with the message of a refused upload beside the file field. */
  private importForm(req: Request, error?: string) {
    return this.views.render(req, 'import', '导入绩效目标表', error ? { errors: { files: error } } : {});
  }

  /** The files of an upload waiting for confirmation. */
  private uploaded(token: string) {
    if (!/^[0-9a-f]{32}$/.test(token) || !fs.existsSync(path.join(this.uploads, token)))
      throw new DomainError('VALIDATION_FAILED', '预览已过期，请重新上传文件', { field: 'files' });
    const dir = path.join(this.uploads, token);
    const names = JSON.parse(fs.readFileSync(path.join(dir, 'names.json'), 'utf8')) as string[];
    return names.map((name, k) => ({ name, bytes: fs.readFileSync(path.join(dir, `${k}`)) }));
  }

  /**
   * Parses and validates, stores nothing; the files wait under DATA_DIR/uploads/<token> for the confirmation and the
   * browser is sent to the preview. A refused file re-renders the form with the message beside the file field.
   */
  @Post('admin/import')
  @Allow('targets.manage')
  @UseFilters(new UploadTooLargeFilter(importTooLarge))
  @UseInterceptors(FilesInterceptor('files', 20, { limits: { fileSize: MAX_DOCUMENT_BYTES } }))
  async preview(@Req() req: Request, @Res() res: Response, @UploadedFiles() files: Express.Multer.File[] = []) {
    let next: string;
    try {
      if (!files.length) throw new DomainError('VALIDATION_FAILED', '请选择要导入的文件', { field: 'files' });
      const docs = files.map((f) => ({ name: decodeUploadName(f.originalname), bytes: f.buffer }));
      await importFiles(this.targets, await parseFiles(docs), { dryRun: true });
      const token = randomBytes(16).toString('hex');
      const dir = path.join(this.uploads, token);
      fs.mkdirSync(dir, { recursive: true });
      docs.forEach((d, k) => fs.writeFileSync(path.join(dir, `${k}`), d.bytes));
      fs.writeFileSync(path.join(dir, 'names.json'), JSON.stringify(docs.map((d) => d.name)));
      next = `/admin/import?preview=${token}`;
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      // the form again, the message beside the file field, by a redirect (the token is in this POST's address)
      req.session.importError = e.userMessage;
      next = '/admin/import';
    }
    res.redirect(303, next);
  }

  @Post('admin/import/confirm')
  @Allow('targets.manage')
  async confirm(@Req() req: Request, @Res() res: Response, @Body() form: Form) {
    const token = form.token ?? '';
    let result;
    try {
      const docs = this.uploaded(token);
      result = await importFiles(this.targets, await parseFiles(docs), { dryRun: false });
      fs.rmSync(path.join(this.uploads, token), { recursive: true, force: true });
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      return sendPage(res, this.importForm(req, e.userMessage), 422);
    }
    const by = (o: string) => result.stored.filter((s) => s.outcome === o).length;
    res.type('html').send(
      this.views.render(req, 'import', '导入完成', {
        done: { created: by('created'), versions: by('new-version'), unchanged: by('unchanged') },
        stored: result.stored.map((s) => ({
          id: s.id,
          unit: s.unit,
          year: s.year,
          name: s.kind === 'department' ? sheetLabel(s) : s.name,
          version: s.version,
          outcome: OUTCOME_NAME[s.outcome],
          state: STATUS_NAME[s.status],
          draft: s.status === 'draft',
        })),
        drafts: result.stored.filter((s) => s.status === 'draft').length,
      }),
    );
  }

  // ---- target sheets: versions awaiting approval (目标调整) ----------------------------------
  @Get('admin/sheets')
  @Allow('targets.manage')
  async sheetsPage(@Req() req: Request, @Query('status') status?: string, @Query('done') done?: string) {
    const filter = SHEET_FILTERS.find((f) => f.value === status) ?? SHEET_FILTERS[0];
    const list = await this.targets.listSheets({ status: filter.status, includeSuperseded: filter.value === 'all' });
    return this.views.render(req, 'sheets', '目标表批复', {
      filters: SHEET_FILTERS.map((f) => ({ ...f, current: f === filter, href: `/admin/sheets?status=${f.value}` })),
      filter,
      rejected: done === 'rejected',
      sheets: list.map((s) => ({
        id: s.id,
        unit: s.unit?.name,
        year: s.year,
        name: sheetLabel(s),
        version: s.version,
        state: STATUS_NAME[s.status],
        draft: s.status === 'draft',
        adjustment: s.status === 'draft' && s.version > 1,
        source: s.sourceName ?? '',
        importedAt: formatDateTime(s.createdAt),
      })),
    });
  }

  @Get('admin/sheets/:id')
  @Allow('targets.manage')
  async sheetPage(@Req() req: Request, @Param('id', ParseUUIDPipe) id: string, @Query('done') done?: string) {
    return this.sheetView(req, id, { approved: done === 'approved' });
  }

  private async sheetView(req: Request, id: string, extra: Record<string, unknown> = {}) {
    const review = await this.targets.reviewVersion(id);
    return this.views.render(req, 'sheet', `${sheetLabel(review.sheet)} 第 ${review.sheet.version} 版`, {
      ...sheetModel(review),
      ...extra,
    });
  }

  /** The approval form: the same TargetsService.approve as POST /api/targets/sheets/:id/approve. */
  @Post('admin/sheets/:id/approve')
  @Allow('targets.manage')
  async approveSheet(
    @Req() req: Request,
    @Res() res: Response,
    @Actor() who: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() form: Form,
  ) {
    await handleForm(
      res,
      async () => {
        await this.targets.approve(id, who, { plan: form.plan ?? '' });
        return `/admin/sheets/${id}?done=approved`;
      },
      (e) => this.sheetView(req, id, { approveError: e.userMessage, reason: form.reason }),
    );
  }

  @Post('admin/sheets/:id/reject')
  @Allow('targets.manage')
  async rejectSheet(
    @Req() req: Request,
    @Res() res: Response,
    @Actor() who: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() form: Form,
  ) {
    await handleForm(
      res,
      async () => {
        await this.targets.reject(id, form.reason ?? '', who);
        return '/admin/sheets?status=draft&done=rejected';
      },
      (e) =>
        this.sheetView(req, id, {
          reason: form.reason,
          ...(e.where.field === 'reason' ? { reasonError: e.userMessage } : { approveError: e.userMessage }),
        }),
    );
  }

  // ---- mail that could not be delivered --------------------------------------------------------
  @Get('admin/mail')
  @Allow('system.read')
  async mailPage(@Req() req: Request) {
    const { rows, count } = await this.todos.failedMails();
    return this.views.render(req, 'mail', '发送失败的邮件', {
      reports: await this.todos.failedReports(),
      count,
      retryUrl: failedJobsUrl(Queue.Mail),
      mails: rows.map((m) => ({
        id: m.id,
        recipient: m.recipient,
        subject: m.subject,
        error: m.error || '原因未记录',
        attempts: m.attempts,
        createdAt: formatDateTime(m.createdAt),
      })),
    });
  }

  // ---- users ---------------------------------------------------------------------------------
  @Get('admin/users')
  @Allow('users.manage')
  async usersPage(@Req() req: Request, @Query('assigned') assigned?: string) {
    return this.usersView(req, { assigned });
  }

  private async usersView(req: Request, extra: Record<string, unknown> = {}) {
    const users = await this.users.list();
    const units = await this.targets.listUnits();
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    const evaluators = await Promise.all(
      users
        .filter((u) => u.role === 'evaluator')
        .map(async (u) => {
          const scope = await this.users.scopeOf(u as unknown as SessionUser);
          const assigned = new Set(scope.all ? units.map((x) => x.id) : scope.unitIds);
          return {
            id: u.id,
            displayName: u.displayName,
            username: u.username,
            units: units.map((x) => ({ code: x.code, name: x.name, checked: assigned.has(x.id) })),
          };
        }),
    );
    return this.views.render(req, 'users', '用户与分配', {
      users: users.map((u) => ({
        ...u,
        roleLabel: ROLE_LABELS[u.role],
        unit: u.unitId ? unitName.get(u.unitId) : '',
        lastLogin: formatDateTime(u.lastLoginAt) || '从未登录',
      })),
      units,
      roles: ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] })),
      evaluators,
      ...extra,
    });
  }

  @Post('admin/users')
  @Allow('users.manage')
  async createUser(@Req() req: Request, @Res() res: Response, @Body() form: Form) {
    try {
      const { user, oneTimePassword } = await this.users.create({
        username: (form.username ?? '').trim(),
        displayName: form.displayName ?? '',
        role: form.role as Role,
        unitCode: form.unitCode || null,
        email: form.email || null,
      });
      sendPage(res, await this.usersView(req, { created: { username: user.username, oneTimePassword } }));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const errors = fieldError(e, ['username', 'displayName', 'role', 'unitCode', 'email', 'password']);
      sendPage(res, await this.usersView(req, { form, ...errors }), 422);
    }
  }

  @Post('admin/users/assign')
  @Allow('users.manage')
  async assign(@Req() req: Request, @Res() res: Response, @Body() form: Record<string, string | string[] | undefined>) {
    const codes = form.unitCodes === undefined ? [] : Array.isArray(form.unitCodes) ? form.unitCodes : [form.unitCodes];
    const userId = String(form.userId ?? '');
    await handleForm(
      res,
      async () => {
        await this.users.assign(userId, codes);
        return `/admin/users?assigned=${encodeURIComponent(userId)}`;
      },
      (e) => this.usersView(req, { assignError: { userId, message: e.userMessage } }),
    );
  }

  // ---- reporting periods and deadlines -------------------------------------------------------
  @Get('admin/periods')
  @Allow('targets.manage')
  async periodsPage(@Req() req: Request, @Query('saved') saved?: string) {
    return this.periodsView(req, { saved: saved === '1' });
  }

  private async periodsView(req: Request, extra: Record<string, unknown> = {}) {
    const day = (d: Date) => formatDateTime(d, undefined, true); // dates as in Beijing
    return this.views.render(req, 'periods', '报告期与截止时间', {
      periods: (await this.periods.listPeriods()).map((p) => ({
        year: p.year,
        period: PERIOD_NAME[p.period as keyof typeof PERIOD_NAME] ?? p.period,
        opensAt: day(p.opensAt),
        closesAt: day(p.closesAt),
      })),
      quarters: PERIODS.map((p) => ({ value: p, label: PERIOD_NAME[p] })),
      ...extra,
    });
  }

  /** Dates are Beijing dates: open from 00:00 of the first day to 24:00 of the last. */
  @Post('admin/periods')
  @Allow('targets.manage')
  async setPeriod(@Req() req: Request, @Res() res: Response, @Actor() who: string, @Body() form: Form) {
    await handleForm(
      res,
      async () => {
        const date = (v: string | undefined, field: string) => {
          if (!v || !/^\d{4}-\d{2}-\d{2}$/.test(v))
            throw new DomainError('VALIDATION_FAILED', '日期应写成 2026-04-01 这样的格式（年-月-日）', { field });
          return new Date(`${v}T00:00:00+08:00`);
        };
        const year = Number(form.year);
        if (!Number.isInteger(year) || year < 2000 || year > 2100)
          throw new DomainError('VALIDATION_FAILED', '年度应为 2000–2100 的整数', { field: 'year' });
        const closes = new Date(date(form.closesAt, 'closesAt').getTime() + 86_400_000 - 1000);
        await this.periods.setPeriod(year, form.period ?? '', date(form.opensAt, 'opensAt'), closes, who);
        return '/admin/periods?saved=1';
      },
      (e) => this.periodsView(req, { form, ...fieldError(e, ['year', 'period', 'opensAt', 'closesAt']) }),
    );
  }
}

/** The approval page's model: the version, what differs from the one in force, and what approval carries over. */
function sheetModel(r: VersionReview) {
  const { sheet, current, diff } = r;
  const target = (i: { level1: string; level2: string; name: string; targetRaw: string }) => ({
    category: `${i.level1}/${i.level2}`,
    name: i.name,
    target: i.targetRaw,
  });
  const dropped = r.reports.reduce((n, x) => n + x.dropped.length, 0) + (r.evaluation?.dropped.length ?? 0);
  return {
    sheet: {
      id: sheet.id,
      unit: sheet.unit?.name,
      year: sheet.year,
      name: sheetLabel(sheet),
      version: sheet.version,
      status: STATUS_NAME[sheet.status],
      source: sheet.sourceName ?? '',
      importedAt: formatDateTime(sheet.createdAt),
      approvedAt: formatDateTime(sheet.approvedAt),
      approvedBy: sheet.approvedBy,
      changeReason: sheet.changeReason,
      budgetTotal: sheet.budgetTotal,
    },
    isDraft: sheet.status === 'draft',
    rejectReason: r.rejectReason,
    current: current
      ? { id: current.id, version: current.version, approvedAt: formatDateTime(current.approvedAt) }
      : null,
    header: r.header,
    added: (diff?.added ?? []).map(target),
    removed: (diff?.removed ?? []).map(target),
    changed: (diff?.changed ?? []).map((c) => ({
      name: c.new.name,
      fields: c.fields,
      carries: c.carries,
      reason: c.reason,
    })),
    unchanged: diff ? !diff.added.length && !diff.removed.length && !diff.changed.length && !r.header.length : false,
    reports: r.reports.map((x) => ({ ...x, state: x.status })),
    evaluation: r.evaluation,
    dropped,
    plan: r.plan,
    indicators: sheet.indicators.map(target),
    history: r.history.map((v) => ({
      id: v.id,
      version: v.version,
      state: STATUS_NAME[v.status],
      importedAt: formatDateTime(v.createdAt),
      source: v.sourceName ?? '',
      self: v.id === sheet.id,
    })),
  };
}
