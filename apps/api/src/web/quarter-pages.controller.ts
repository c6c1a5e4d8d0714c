import { ApiExcludeController } from '@nestjs/swagger';
import {
  Body,
  Controller,
  Get,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { EvidenceService, QuarterReportsService } from '@selfeval/actuals';
import { QuarterSubmission } from '@selfeval/evaluation';
import { DomainError, MAX_EVIDENCE_BYTES, FUND_SOURCES, QuarterReportInput, decodeUploadName } from '@selfeval/domain';
import { TargetsService } from '@selfeval/targets';
import { Actor, Allow, CurrentActor, RequestActor } from '../auth/access.decorators';
import { WebViews } from './web-views';
import { buildQuarterPageVM, Form } from './view-models/quarter-page.view-model';
import { postedVersion } from './view-models/stale-save';
import { fieldErrors, handleForm, isStaleSave } from './form-errors';

const SHEET = { subject: 'sheet' as const, param: 'sheetId' };

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
    private readonly submission: QuarterSubmission,
  ) {}

  private async page(
    req: Request,
    sheetId: string,
    period: string,
    actor: RequestActor,
    extra: { form?: Form; errors?: Map<string, string[]>; stale?: boolean; error?: string; saved?: string } = {},
  ): Promise<string> {
    const [sheet, report, evidence] = await Promise.all([
      this.targets.getSheet(sheetId),
      this.reports.getReport(sheetId, period),
      this.evidence.listEvidence(sheetId, period),
    ]);
    const { error, saved, ...state } = extra;
    const model = buildQuarterPageVM({ sheet, period, report, evidence, role: actor.user.role, ...state });
    return this.views.render(req, 'quarter', `${model.sheet.name} ${model.periodLabel}`, { ...model, error, saved });
  }

  @Get('sheets/:sheetId/periods/:period')
  @Allow('actuals.read', SHEET)
  async quarter(
    @Req() req: Request,
    @CurrentActor() actor: RequestActor,
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Param('period') period: string,
    @Query('saved') saved?: string,
  ) {
    return this.page(req, sheetId, period, actor, { saved });
  }

  @Post('sheets/:sheetId/periods/:period')
  @Allow('actuals.write', SHEET)
  async saveQuarter(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: RequestActor,
    @Actor() who: string,
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Param('period') period: string,
    @Body() form: Form,
  ) {
    const sheet = await this.targets.getSheet(sheetId);
    const ids = sheet.indicators.map((i) => i.id);
    const input: QuarterReportInput = {
      spending: FUND_SOURCES.map((source, k) => ({ source, amount: (form[`spend_${k}`] ?? '').trim() })).filter(
        (s) => s.amount !== '',
      ),
      values: sheet.indicators.map((i) => ({
        indicatorId: i.id,
        value: form[`value_${i.id}`]?.trim() || undefined,
        grade: form[`grade_${i.id}`] || undefined,
        likelihood: form[`likelihood_${i.id}`] || undefined,
        causeCategory: form[`cause_${i.id}`] || undefined,
        causeText: form[`causeText_${i.id}`]?.trim() || undefined,
      })),
    };
    await handleForm(
      res,
      async () => {
        await this.reports.saveDraft(sheetId, period, input, who, postedVersion(form));
        if (form.action === 'submit') await this.submission.submit(sheetId, period, who);
        return `/sheets/${sheetId}/periods/${period}?saved=${form.action === 'submit' ? 'submitted' : 'draft'}`;
      },
      // a stale save shows the typed values beside the stored ones; other errors beside their fields
      (e) =>
        isStaleSave(e)
          ? this.page(req, sheetId, period, actor, { form, stale: true, error: e.userMessage })
          : this.page(req, sheetId, period, actor, { form, errors: fieldErrors(e, ids), error: e.userMessage }),
    );
  }

  /** Excel fill-in workbook or an evidence file: multipart forms carry _csrf in the query string. */
  @Post('sheets/:sheetId/periods/:period/upload')
  @Allow('actuals.write', SHEET)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_EVIDENCE_BYTES } }))
  async upload(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: RequestActor,
    @Actor() who: string,
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Param('period') period: string,
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() form: Form,
  ) {
    await handleForm(
      res,
      async () => {
        if (!file) throw new DomainError('VALIDATION_FAILED', '请选择文件', { field: 'file' });
        const name = decodeUploadName(file.originalname);
        if (form.kind === 'workbook') await this.reports.uploadWorkbook(sheetId, period, file.buffer, name, who);
        else await this.evidence.addEvidence(sheetId, period, file.buffer, name, form.indicatorId || null, who);
        return `/sheets/${sheetId}/periods/${period}?saved=${form.kind === 'workbook' ? 'workbook' : 'evidence'}`;
      },
      (e) => this.page(req, sheetId, period, actor, { error: e.userMessage }),
    );
  }

  @Post('sheets/:sheetId/periods/:period/decision')
  @Allow('actuals.confirm', SHEET)
  async decideQuarter(
    @Res() res: Response,
    @Actor() who: string,
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Param('period') period: string,
    @Body() form: Form,
  ) {
    if (form.action === 'return') await this.reports.returnReport(sheetId, period, form.reason ?? '', who);
    else await this.reports.confirm(sheetId, period, who);
    res.redirect(
      303,
      `/sheets/${sheetId}/periods/${period}?saved=${form.action === 'return' ? 'returned' : 'confirmed'}`,
    );
  }
}
