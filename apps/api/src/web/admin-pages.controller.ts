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
  Post,
  Req,
  Res,
  UploadedFiles,
  UseInterceptors,
} from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { PeriodsService } from '@selfeval/actuals';
import { UsersService } from '@selfeval/auth';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { decodeUploadName, DomainError, MAX_DOCUMENT_BYTES, PERIODS, Role, ROLE_LABELS, ROLES } from '@selfeval/domain';
import { JobProducer } from '@selfeval/jobs';
import { importFiles, parseFiles, TargetsService } from '@selfeval/targets';
import { Actor, Allow, Public } from '../auth/access.decorators';
import { WEB_DIR, WebViews } from './web-views';

type Form = Record<string, string | undefined>;
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
  importPage(@Req() req: Request) {
    return this.views.render(req, 'import', '导入绩效目标表');
  }

  /** Parses and validates, stores nothing; the files wait under DATA_DIR/uploads/<token> for the confirmation. */
  @Post('admin/import')
  @Allow('targets.manage')
  @UseInterceptors(FilesInterceptor('files', 20, { limits: { fileSize: MAX_DOCUMENT_BYTES } }))
  async preview(@Req() req: Request, @Res() res: Response, @UploadedFiles() files: Express.Multer.File[] = []) {
    try {
      if (!files.length) throw new DomainError('VALIDATION_FAILED', '请选择要导入的文件', { field: 'files' });
      const docs = files.map((f) => ({
        name: decodeUploadName(f.originalname),
        bytes: f.buffer,
      }));
      const result = await importFiles(this.targets, await parseFiles(docs), { dryRun: true });
      const token = randomBytes(16).toString('hex');
      const dir = path.join(this.uploads, token);
      fs.mkdirSync(dir, { recursive: true });
      docs.forEach((d, k) => fs.writeFileSync(path.join(dir, `${k}`), d.bytes));
      fs.writeFileSync(path.join(dir, 'names.json'), JSON.stringify(docs.map((d) => d.name)));
      res.type('html').send(
        this.views.render(req, 'import', '导入预览', {
          token,
          files: docs.map((d) => d.name),
          sheets: result.sheets.map((s) => ({
            kind: s.kind === 'department' ? '部门整体' : '项目',
            year: s.year,
            unit: s.unit.name,
            name: s.project?.name ?? '',
            indicators: s.indicators.length,
            total: s.budget.total ?? '',
          })),
          warnings: result.warnings.map((w) => ({
            code: w.code,
            message: w.message,
            where: [w.where?.sheet, w.where?.row ? `第 ${w.where.row} 行` : ''].filter(Boolean).join(' '),
          })),
        }),
      );
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      res
        .status(422)
        .type('html')
        .send(this.views.render(req, 'import', '导入绩效目标表', { error: e.userMessage }));
    }
  }

  @Post('admin/import/confirm')
  @Allow('targets.manage')
  async confirm(@Req() req: Request, @Res() res: Response, @Body() form: Form) {
    const token = form.token ?? '';
    if (!/^[0-9a-f]{32}$/.test(token) || !fs.existsSync(path.join(this.uploads, token)))
      throw new DomainError('VALIDATION_FAILED', '预览已过期，请重新上传', { field: 'token' });
    const dir = path.join(this.uploads, token);
    const names = JSON.parse(fs.readFileSync(path.join(dir, 'names.json'), 'utf8')) as string[];
    const docs = names.map((name, k) => ({ name, bytes: fs.readFileSync(path.join(dir, `${k}`)) }));
    const result = await importFiles(this.targets, await parseFiles(docs), { dryRun: false });
    fs.rmSync(dir, { recursive: true, force: true });
    const by = (o: string) => result.stored.filter((s) => s.outcome === o).length;
    res.type('html').send(
      this.views.render(req, 'import', '导入完成', {
        done: { created: by('created'), versions: by('new-version'), unchanged: by('unchanged') },
      }),
    );
  }

  // ---- users ---------------------------------------------------------------------------------
  @Get('admin/users')
  @Allow('users.manage')
  async usersPage(@Req() req: Request) {
    return this.views.render(req, 'users', '用户与分配', await this.usersModel());
  }

  private async usersModel(extra: Record<string, unknown> = {}) {
    const users = await this.users.list();
    const units = await this.targets.listUnits();
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    return {
      users: users.map((u) => ({ ...u, roleLabel: ROLE_LABELS[u.role], unit: u.unitId ? unitName.get(u.unitId) : '' })),
      units,
      roles: ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] })),
      evaluators: users.filter((u) => u.role === 'evaluator'),
      ...extra,
    };
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
      res
        .type('html')
        .send(
          this.views.render(
            req,
            'users',
            '用户与分配',
            await this.usersModel({ created: { username: user.username, oneTimePassword } }),
          ),
        );
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      res
        .status(422)
        .type('html')
        .send(this.views.render(req, 'users', '用户与分配', await this.usersModel({ error: e.userMessage, form })));
    }
  }

  @Post('admin/users/assign')
  @Allow('users.manage')
  async assign(@Req() req: Request, @Res() res: Response, @Body() form: Record<string, string | string[] | undefined>) {
    const codes = form.unitCodes === undefined ? [] : Array.isArray(form.unitCodes) ? form.unitCodes : [form.unitCodes];
    await this.users.assign(String(form.userId ?? ''), codes);
    res.redirect(303, '/admin/users');
  }

  // ---- reporting periods and deadlines -------------------------------------------------------
  @Get('admin/periods')
  @Allow('targets.manage')
  async periodsPage(@Req() req: Request) {
    return this.views.render(req, 'periods', '报告期与截止时间', await this.periodsModel());
  }

  private async periodsModel(extra: Record<string, unknown> = {}) {
    const day = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10); // dates as in Beijing
    return {
      periods: (await this.periods.listPeriods()).map((p) => ({
        year: p.year,
        period: p.period,
        opensAt: day(p.opensAt),
        closesAt: day(p.closesAt),
      })),
      quarters: PERIODS,
      ...extra,
    };
  }

  /** Dates are Beijing dates: open from 00:00 of the first day to 24:00 of the last. */
  @Post('admin/periods')
  @Allow('targets.manage')
  async setPeriod(@Req() req: Request, @Res() res: Response, @Actor() who: string, @Body() form: Form) {
    try {
      const date = (v: string | undefined, field: string) => {
        if (!v || !/^\d{4}-\d{2}-\d{2}$/.test(v))
          throw new DomainError('VALIDATION_FAILED', '日期应为 YYYY-MM-DD', { field });
        return new Date(`${v}T00:00:00+08:00`);
      };
      const year = Number(form.year);
      if (!Number.isInteger(year) || year < 2000 || year > 2100)
        throw new DomainError('VALIDATION_FAILED', '年度应为 2000–2100 的整数', { field: 'year' });
      const closes = new Date(date(form.closesAt, 'closesAt').getTime() + 86_400_000 - 1000);
      await this.periods.setPeriod(year, form.period ?? '', date(form.opensAt, 'opensAt'), closes, who);
      res.redirect(303, '/admin/periods');
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      res
        .status(422)
        .type('html')
        .send(
          this.views.render(
            req,
            'periods',
            '报告期与截止时间',
            await this.periodsModel({ error: e.userMessage, form }),
          ),
        );
    }
  }
}
