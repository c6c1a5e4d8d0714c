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
import { ActualsQueries, EvidenceService, QuarterReportsService } from '@selfeval/actuals';
import { EvaluationService, QuarterSubmission, requestEvaluationReports } from '@selfeval/evaluation';
import {
  can,
  DomainError,
  MAX_EVIDENCE_BYTES,
  FUND_SOURCES,
  PERIODS,
  QuarterReportInput,
  decodeUploadName,
  sheetLabel,
} from '@selfeval/domain';
import { JobProducer } from '@selfeval/jobs';
import { TargetsService } from '@selfeval/targets';
import { Actor, Allow, CurrentActor, RequestActor, scopedUnitIds } from '../auth/access.decorators';
import { WebViews } from './web-views';
import { buildEvaluationPageVM } from './view-models/evaluation-page.view-model';
import { buildQuarterPageVM, Form } from './view-models/quarter-page.view-model';
import { postedVersion } from './view-models/stale-save';

const SHEET = { subject: 'sheet' as const, param: 'sheetId' };
/** Field errors of a DomainError keyed by indicator id, from names like values[3].value. */
function fieldErrors(e: DomainError, ids: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of e.details.length ? e.details : [{ field: e.where.field ?? '', message: e.userMessage }]) {
    const m = /^values\[(\d+)\]/.exec(d.field);
    const key = m ? ids[Number(m[1])] : /^spending/.test(d.field) ? 'spending' : 'form';
    out.set(key, [...(out.get(key) ?? []), d.message]);
  }
  return out;
}

/** A save refused because the form was read at an older version (not a state change or a validation error). */
function isStaleSave(e: DomainError): boolean {
  return e.code === 'CONFLICT' && e.where.field === 'version';
}

/** Pages for unit reporters, unit heads and evaluators: thin over the same services as the JSON API. */
// pages, not JSON: kept out of the OpenAPI document
@ApiExcludeController()
@Controller()
export class UnitPagesController {
  constructor(
    private readonly views: WebViews,
    private readonly targets: TargetsService,
    private readonly reports: QuarterReportsService,
    private readonly evidence: EvidenceService,
    private readonly queries: ActualsQueries,
    private readonly submission: QuarterSubmission,
    private readonly evaluations: EvaluationService,
    private readonly jobs: JobProducer,
  ) {}

  @Get()
  @Allow('targets.read')
  async home(@Req() req: Request, @CurrentActor() actor: RequestActor, @Query('changed') changed?: string) {
    const sheets = (await this.targets.listSheets({ unitIds: scopedUnitIds(actor) })).filter(
      (s) => s.status === 'approved' || actor.user.role === 'admin',
    );
    const statuses = await this.queries.statuses(sheets.map((s) => s.id));
    const evs = await this.evaluations.bySheet(sheets.map((s) => s.id));
    const rows = sheets.map((s) => {
      const ev = evs.get(s.id);
      return {
        id: s.id,
        year: s.year,
        unit: s.unit?.name,
        name: sheetLabel(s),
        sheetStatus: s.status,
        quarters: PERIODS.map((p) => ({ period: p, status: statuses.get(s.id)?.[p] ?? null })),
        evaluation: ev ? { status: ev.status, total: ev.total, grade: ev.grade } : null,
      };
    });
    const queue =
      actor.user.role === 'evaluator' || actor.user.role === 'admin'
        ? rows.filter((r) => r.evaluation?.status === 'submitted')
        : [];
    return this.views.render(req, 'home', '首页', {
      rows,
      queue,
      changed: changed === '1',
      canReview: can(actor.user.role, 'evaluation.review'),
    });
  }

  // ---- quarterly form -----------------------------------------------------------------------
  private async quarterModel(
    sheetId: string,
    period: string,
    actor: RequestActor,
    form?: Form,
    errors?: Map<string, string[]>,
    stale = false,
  ) {
    const [sheet, report, evidence] = await Promise.all([
      this.targets.getSheet(sheetId),
      this.reports.getReport(sheetId, period),
      this.evidence.listEvidence(sheetId, period),
    ]);
    return buildQuarterPageVM({ sheet, period, report, evidence, role: actor.user.role, form, errors, stale });
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
    const model = await this.quarterModel(sheetId, period, actor);
    return this.views.render(req, 'quarter', `${model.sheet.name} ${model.periodLabel}`, { ...model, saved });
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
    try {
      await this.reports.saveDraft(sheetId, period, input, who, postedVersion(form));
      if (form.action === 'submit') await this.submission.submit(sheetId, period, who);
      res.redirect(
        303,
        `/sheets/${sheetId}/periods/${period}?saved=${form.action === 'submit' ? 'submitted' : 'draft'}`,
      );
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      // someone saved since this page was read: the same form, typed values kept, stored ones beside them
      const stale = isStaleSave(e);
      const model = await this.quarterModel(
        sheetId,
        period,
        actor,
        form,
        stale
          ? undefined
          : fieldErrors(
              e,
              sheet.indicators.map((i) => i.id),
            ),
        stale,
      );
      res
        .status(stale ? 409 : 422)
        .type('html')
        .send(
          this.views.render(req, 'quarter', `${model.sheet.name} ${model.periodLabel}`, {
            ...model,
            error: e.userMessage,
          }),
        );
    }
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
    try {
      if (!file) throw new DomainError('VALIDATION_FAILED', '请选择文件', { field: 'file' });
      const name = decodeUploadName(file.originalname);
      if (form.kind === 'workbook') await this.reports.uploadWorkbook(sheetId, period, file.buffer, name, who);
      else await this.evidence.addEvidence(sheetId, period, file.buffer, name, form.indicatorId || null, who);
      res.redirect(
        303,
        `/sheets/${sheetId}/periods/${period}?saved=${form.kind === 'workbook' ? 'workbook' : 'evidence'}`,
      );
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const model = await this.quarterModel(sheetId, period, actor);
      res
        .status(isStaleSave(e) ? 409 : 422)
        .type('html')
        .send(
          this.views.render(req, 'quarter', `${model.sheet.name} ${model.periodLabel}`, {
            ...model,
            error: e.userMessage,
          }),
        );
    }
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

  // ---- year-end self-evaluation ---------------------------------------------------------------
  @Get('sheets/:sheetId/evaluation')
  @Allow('evaluation.read', SHEET)
  async evaluation(
    @Req() req: Request,
    @CurrentActor() actor: RequestActor,
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Query('saved') saved?: string,
  ) {
    const model = await this.evaluationModel(sheetId, actor, { saved });
    return this.views.render(req, 'evaluation', `${model.sheet.name} 年度自评`, model);
  }

  private async evaluationModel(
    sheetId: string,
    actor: RequestActor,
    extra: Pick<Parameters<typeof buildEvaluationPageVM>[0], 'saved' | 'form' | 'stale' | 'staleForm' | 'reopenError'>,
  ) {
    const sheet = await this.targets.getSheet(sheetId);
    const ev = await this.evaluations.get(sheetId).catch((e) => {
      if (e instanceof DomainError && e.code === 'NOT_FOUND') return null;
      throw e;
    });
    const report = await this.evaluations.latestReport(sheetId);
    const q4 = await this.reports.getReport(sheetId, 'Q4');
    return buildEvaluationPageVM({ sheet, ev, report, q4, role: actor.user.role, ...extra });
  }

  @Post('sheets/:sheetId/evaluation')
  @Allow('evaluation.write', SHEET)
  async saveEvaluation(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: RequestActor,
    @Actor() who: string,
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Body() form: Form,
  ) {
    const ev = await this.evaluations.get(sheetId);
    const posted = (prefix: string) =>
      ev.indicators
        .filter((r) => form[`${prefix}_${r.indicatorId}`] !== undefined)
        .map((r) => ({ indicatorId: r.indicatorId, value: form[`${prefix}_${r.indicatorId}`] ?? '' }));
    // the whole form in one transaction; the service leaves unchanged fields alone
    try {
      await this.evaluations.saveForm(
        sheetId,
        {
          goalActual: form.goalActual ?? null,
          // unit weights (re-weighting before submission): checked per bucket by the scoring job
          weights: posted('weight').map((w) => ({ indicatorId: w.indicatorId, weight: w.value.trim() || null })),
          explanations: posted('explanation').map((x) => ({
            indicatorId: x.indicatorId,
            text: x.value,
            causeCategory: form[`cause_${x.indicatorId}`] || null,
          })),
        },
        who,
        postedVersion(form),
      );
    } catch (e) {
      if (!(e instanceof DomainError) || !isStaleSave(e)) throw e;
      // someone saved since this page was read: the same form, typed values kept, stored ones beside them
      const model = await this.evaluationModel(sheetId, actor, { form, stale: true });
      res
        .status(409)
        .type('html')
        .send(this.views.render(req, 'evaluation', `${model.sheet.name} 年度自评`, { ...model, error: e.userMessage }));
      return;
    }
    res.redirect(303, `/sheets/${sheetId}/evaluation?saved=draft`);
  }

  @Post('sheets/:sheetId/evaluation/submit')
  @Allow('evaluation.submit', SHEET)
  async submitEvaluation(@Res() res: Response, @Actor() who: string, @Param('sheetId', ParseUUIDPipe) sheetId: string) {
    await this.evaluations.submit(sheetId, who);
    res.redirect(303, `/sheets/${sheetId}/evaluation?saved=submitted`);
  }

  @Post('sheets/:sheetId/evaluation/review')
  @Allow('evaluation.review', SHEET)
  async review(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: RequestActor,
    @Actor() who: string,
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Body() form: Form,
  ) {
    const ev = await this.evaluations.get(sheetId);
    const scores = ev.indicators
      .filter((r) => form[`review_${r.indicatorId}`] !== undefined)
      .map((r) => ({
        indicatorId: r.indicatorId,
        score: form[`review_${r.indicatorId}`]?.trim() || null,
        comment: form[`comment_${r.indicatorId}`]?.trim() || null,
      }));
    const decision = form.action === 'approve' || form.action === 'return' ? form.action : undefined;
    // scores and decision in one transaction: nothing is half-saved, and no waiting for a rescoring
    try {
      await this.evaluations.reviewForm(
        sheetId,
        { scores, decision, reason: form.reason ?? null },
        who,
        postedVersion(form),
      );
    } catch (e) {
      if (!(e instanceof DomainError) || !isStaleSave(e)) throw e;
      // the unit or another reviewer changed the evaluation since this page was read: typed scores kept
      const model = await this.evaluationModel(sheetId, actor, { form, stale: true, staleForm: 'review-form' });
      res
        .status(409)
        .type('html')
        .send(this.views.render(req, 'evaluation', `${model.sheet.name} 年度自评`, model));
      return;
    }
    res.redirect(303, `/sheets/${sheetId}/evaluation?saved=${form.action ?? 'reviewed'}`);
  }

  /** The scoring profile of one evaluation (region and year rules); the sheet is scored again. */
  @Post('sheets/:sheetId/evaluation/profile')
  @Allow('evaluation.review', SHEET)
  async profile(
    @Res() res: Response,
    @Actor() who: string,
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Body() form: Form,
  ) {
    await this.evaluations.setProfile(sheetId, form.profileId ?? '', who, postedVersion(form));
    res.redirect(303, `/sheets/${sheetId}/evaluation?saved=profile`);
  }

  /** Approved is final; the evaluator reopens it with a reason (required: shown beside the field). */
  @Post('sheets/:sheetId/evaluation/reopen')
  @Allow('evaluation.review', SHEET)
  async reopen(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: RequestActor,
    @Actor() who: string,
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Body() form: Form,
  ) {
    try {
      await this.evaluations.reopen(sheetId, form.reason, who);
    } catch (e) {
      if (!(e instanceof DomainError) || e.where.field !== 'reason') throw e;
      const model = await this.evaluationModel(sheetId, actor, { reopenError: e.userMessage });
      res
        .status(422)
        .type('html')
        .send(this.views.render(req, 'evaluation', `${model.sheet.name} 年度自评`, model));
      return;
    }
    res.redirect(303, `/sheets/${sheetId}/evaluation?saved=reopened`);
  }

  @Post('sheets/:sheetId/evaluation/report')
  @Allow('reports.generate', SHEET)
  async report(@Res() res: Response, @Param('sheetId', ParseUUIDPipe) sheetId: string) {
    await requestEvaluationReports(this.evaluations, this.jobs, sheetId, 120_000);
    res.redirect(303, `/sheets/${sheetId}/evaluation?saved=report`);
  }

  // ---- board --------------------------------------------------------------------------------
  @Get('board')
  @Allow('board.read')
  async board(
    @Req() req: Request,
    @CurrentActor() actor: RequestActor,
    @Query('year') yearText?: string,
    @Query('period') period = 'Q1',
  ) {
    const year = Number(yearText) || new Date().getFullYear();
    const board = await this.queries.board(
      year,
      PERIODS.includes(period as never) ? period : 'Q1',
      scopedUnitIds(actor),
    );
    return this.views.render(req, 'board', '监控看板', {
      ...board,
      years: [year - 2, year - 1, year, year + 1],
      periods: PERIODS,
    });
  }
}
