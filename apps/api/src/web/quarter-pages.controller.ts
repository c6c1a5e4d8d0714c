import { ApiExcludeController } from '@nestjs/swagger';
import {
  Body,
  Controller,
  Get,
  Param,
  Post,
  Query,
  Req,
  Res,
  UploadedFile,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { ActualsQueries, EvidenceService, QuarterReportsService, requestMonitoringTable } from '@selfeval/actuals';
import { QuarterSubmission } from '@selfeval/evaluation';
import { DomainError, MAX_EVIDENCE_BYTES, decodeUploadName } from '@selfeval/domain';
import { JobProducer } from '@selfeval/jobs';
import { TargetsService } from '@selfeval/targets';
import { Actor, Allow, CurrentActor, RequestActor, SHEET, SheetId } from '../auth/access.decorators';
import { WebViews } from './web-views';
import {
  buildQuarterPageVM,
  Form,
  QuarterPageSource,
  quarterFieldErrors,
  quarterInput,
} from './view-models/quarter-page.view-model';
import { postedVersion } from './view-models/stale-save';
import { handleForm, isStaleSave, UploadTooLargeFilter } from './form-errors';

/** What one request leaves for the next page of the same report (Post/Redirect/Get). */
interface QuarterFlash {
  /** `${sheetId}/${period}`: shown only on that report's page */
  at: string;
  upload?: QuarterPageSource['upload'];
  warnings?: string[];
}

declare module 'express-session' {
  interface SessionData {
    quarterFlash?: QuarterFlash;
  }
}

const pageUrl = (sheetId: string, period: string) => `/sheets/${sheetId}/periods/${period}`;

/**
 * An upload's error goes back to the quarterly page by a redirect, the message kept in the session: the
 * multipart form carries its CSRF token in the query string (the check runs before multer reads the body),
 * and a page rendered in answer to that POST would leave the token in the address bar (and in history, and
 * a reload would post the file again). A file above the size limit is refused by multer before the handler
 * runs, so it is sent the same way.
 */
function uploadTooLarge(req: Request): string {
  const { sheetId, period } = req.params as Record<string, string>;
  const kind = (req.body as Form | undefined)?.kind === 'workbook' ? 'workbook' : 'evidence';
  const max = Math.round(MAX_EVIDENCE_BYTES / 1024 / 1024);
  req.session.quarterFlash = {
    at: `${sheetId}/${period}`,
    upload: { kind, indicatorId: '', error: `上传的文件超过大小上限（${max} MB），未保存`, details: [] },
  };
  return `${pageUrl(sheetId, period)}#upload`;
}

/** The quarterly report form: reporters fill it in, heads confirm or return it. */
// pages, not JSON: kept out of the OpenAPI document
@ApiExcludeController()
@Controller()
export class QuarterPagesController {
  constructor(
    private readonly views: WebViews,
    private readonly targets: TargetsService,
    private readonly reports: QuarterReportsService,
    private readonly evidence: EvidenceService,
    private readonly queries: ActualsQueries,
    private readonly submission: QuarterSubmission,
    private readonly jobs: JobProducer,
  ) {}

  private async page(
    req: Request,
    sheetId: string,
    period: string,
    actor: RequestActor,
    extra: Pick<QuarterPageSource, 'form' | 'errors' | 'stale' | 'decision' | 'upload'> & {
      error?: string;
      saved?: string;
      warnings?: string[];
    } = {},
  ): Promise<string> {
    const [sheet, report, evidence, evidenceWindow, monitoringTable] = await Promise.all([
      this.targets.getSheet(sheetId),
      this.reports.getReport(sheetId, period),
      this.evidence.listEvidence(sheetId, period),
      this.evidence.window(sheetId, period),
      this.queries.latestMonitoringTable(sheetId, period),
    ]);
    const [versions, trail] = await Promise.all([
      sheet.status === 'approved' ? [] : this.targets.history(sheetId),
      report ? this.queries.auditTrail(report.id) : [],
    ]);
    const { error, saved, warnings, ...state } = extra;
    const model = buildQuarterPageVM({
      sheet,
      period,
      report,
      evidence,
      evidenceWindow,
      role: actor.user.role,
      versions,
      trail,
      monitoringTable,
      ...state,
    });
    return this.views.render(req, 'quarter', `${model.sheet.name} ${model.periodLabel}`, {
      ...model,
      error,
      saved,
      warnings: warnings ?? [],
    });
  }

  /** The flash of the previous request on this report, taken once. */
  private takeFlash(req: Request, sheetId: string, period: string): QuarterFlash | undefined {
    const flash = req.session?.quarterFlash;
    if (!flash || flash.at !== `${sheetId}/${period}`) return undefined;
    delete req.session.quarterFlash;
    return flash;
  }

  @Get('sheets/:sheetId/periods/:period')
  @Allow('actuals.read', SHEET)
  async quarter(
    @Req() req: Request,
    @CurrentActor() actor: RequestActor,
    @SheetId() sheetId: string,
    @Param('period') period: string,
    @Query('saved') saved?: string,
  ) {
    const flash = this.takeFlash(req, sheetId, period);
    return this.page(req, sheetId, period, actor, {
      saved,
      upload: flash?.upload,
      warnings: flash?.warnings,
    });
  }

  @Post('sheets/:sheetId/periods/:period')
  @Allow('actuals.write', SHEET)
  async saveQuarter(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: RequestActor,
    @Actor() who: string,
    @SheetId() sheetId: string,
    @Param('period') period: string,
    @Body() form: Form,
  ) {
    const sheet = await this.targets.getSheet(sheetId);
    const ids = sheet.indicators.map((i) => i.id);
    const input = quarterInput(form, sheet.indicators);
    const submit = form.action === 'submit';
    await handleForm(
      res,
      async () => {
        // 提交 saves what was typed and submits it in one transaction: an incomplete report saves nothing
        const { warnings } = submit
          ? await this.submission.saveAndSubmit(sheetId, period, input, who, postedVersion(form))
          : await this.reports.saveDraft(sheetId, period, input, who, postedVersion(form));
        if (warnings.length)
          req.session.quarterFlash = { at: `${sheetId}/${period}`, warnings: warnings.map((w) => w.message) };
        return `${pageUrl(sheetId, period)}?saved=${submit ? 'submitted' : 'draft'}`;
      },
      // a stale save shows the typed values beside the stored ones; other errors beside their fields
      (e) =>
        isStaleSave(e)
          ? this.page(req, sheetId, period, actor, { form, stale: true, error: e.userMessage })
          : this.page(req, sheetId, period, actor, { form, errors: quarterFieldErrors(e, ids), error: e.userMessage }),
    );
  }

  /** Excel fill-in workbook or an evidence file: multipart forms carry _csrf in the query string. */
  @Post('sheets/:sheetId/periods/:period/upload')
  @Allow('actuals.write', SHEET)
  @UseFilters(new UploadTooLargeFilter(uploadTooLarge))
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_EVIDENCE_BYTES } }))
  async upload(
    @Req() req: Request,
    @Res() res: Response,
    @Actor() who: string,
    @SheetId() sheetId: string,
    @Param('period') period: string,
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() form: Form,
  ) {
    const kind = form.kind === 'workbook' ? 'workbook' : 'evidence';
    let next = `${pageUrl(sheetId, period)}?saved=${kind}`;
    try {
      if (!file) throw new DomainError('VALIDATION_FAILED', '请选择文件', { field: 'file' });
      const name = decodeUploadName(file.originalname);
      if (kind === 'workbook') {
        const { warnings } = await this.reports.uploadWorkbook(sheetId, period, file.buffer, name, who);
        if (warnings.length)
          req.session.quarterFlash = { at: `${sheetId}/${period}`, warnings: warnings.map((w) => w.message) };
      } else await this.evidence.addEvidence(sheetId, period, file.buffer, name, form.indicatorId || null, who);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      // every cell's message of a refused workbook, not only the first
      const details = e.details.length > 1 ? e.details.map((d) => d.message) : [];
      req.session.quarterFlash = {
        at: `${sheetId}/${period}`,
        upload: { kind, indicatorId: form.indicatorId ?? '', error: e.userMessage, details },
      };
      next = `${pageUrl(sheetId, period)}#upload`;
    }
    res.redirect(303, next);
  }

  /**
   * The 绩效运行监控表 of this quarter, rendered by the worker (the same request as the API's); the page waits for
   * it and then links the PDF. A refusal (a draft report) shows the same page with the message.
   */
  @Post('sheets/:sheetId/periods/:period/monitoring-table')
  @Allow('reports.generate', SHEET)
  async monitoringTable(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: RequestActor,
    @SheetId() sheetId: string,
    @Param('period') period: string,
  ) {
    await handleForm(
      res,
      async () => {
        await requestMonitoringTable(this.reports, this.jobs, sheetId, period, false, 120_000);
        return `${pageUrl(sheetId, period)}?saved=monitoring#monitoring-table`;
      },
      (e) => this.page(req, sheetId, period, actor, { error: e.userMessage }),
    );
  }

  @Post('sheets/:sheetId/periods/:period/decision')
  @Allow('actuals.confirm', SHEET)
  async decideQuarter(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: RequestActor,
    @Actor() who: string,
    @SheetId() sheetId: string,
    @Param('period') period: string,
    @Body() form: Form,
  ) {
    const returning = form.action === 'return';
    await handleForm(
      res,
      async () => {
        if (returning) await this.reports.returnReport(sheetId, period, form.reason ?? '', who);
        else await this.reports.confirm(sheetId, period, who);
        return `${pageUrl(sheetId, period)}?saved=${returning ? 'returned' : 'confirmed'}`;
      },
      // the same page, the reason typed still in its box, the message beside it (or on top for a state change)
      (e) =>
        this.page(req, sheetId, period, actor, {
          decision: { reason: form.reason ?? '', error: e.where.field === 'reason' ? e.userMessage : '' },
          // the form is at the foot of a long page: the message also stands at the top
          error: e.where.field === 'reason' ? `未退回：${e.userMessage}（见页面下方“单位负责人审核”）` : e.userMessage,
        }),
    );
  }
}
