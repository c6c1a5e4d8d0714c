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
import { ActualsService } from '@selfeval/actuals';
import { EvaluationService } from '@selfeval/evaluation';
import {
  can,
  CAUSE_CATEGORIES,
  D,
  DomainError,
  MAX_EVIDENCE_BYTES,
  PROFILES,
  reportKindsFor,
  round2,
  FUND_SOURCES,
  GRADES,
  LIKELIHOODS,
  PERIODS,
  QuarterReportInput,
  SheetScore,
  decodeUploadName,
} from '@selfeval/domain';
import { Job, jobId, JobProducer } from '@selfeval/jobs';
import { TargetsService } from '@selfeval/targets';
import { Actor, Allow, CurrentActor, RequestActor, scopedUnitIds } from '../auth/access.decorators';
import { WebViews } from './web-views';
import { submitQuarter } from '../http/submit-quarter';

type Form = Record<string, string | undefined>;
const SHEET = { subject: 'sheet' as const, param: 'sheetId' };
const PERIOD_LABEL: Record<string, string> = { Q1: '一季度', Q2: '二季度', Q3: '三季度', Q4: '四季度（年终）' };

/** '10.0000' and '10' are the same weight; text that is not a number stays as typed (the service rejects it). */
function normalizeNumber(v: string | null | undefined): string | null {
  if (v === null || v === undefined || v.trim() === '') return null;
  return /^-?\d+(\.\d+)?$/.test(v.trim()) ? new D(v.trim()).toFixed() : v.trim();
}

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

/** Pages for unit reporters, unit heads and evaluators: thin over the same services as the JSON API. */
@Controller()
export class UnitPagesController {
  constructor(
    private readonly views: WebViews,
    private readonly targets: TargetsService,
    private readonly actuals: ActualsService,
    private readonly evaluations: EvaluationService,
    private readonly jobs: JobProducer,
  ) {}

  @Get()
  @Allow('targets.read')
  async home(@Req() req: Request, @CurrentActor() actor: RequestActor, @Query('changed') changed?: string) {
    const sheets = (await this.targets.listSheets({ unitIds: scopedUnitIds(actor) })).filter(
      (s) => s.status === 'approved' || actor.user.role === 'admin',
    );
    const statuses = await this.actuals.statuses(sheets.map((s) => s.id));
    const evs = await this.evaluations.bySheet(sheets.map((s) => s.id));
    const rows = sheets.map((s) => ({
      id: s.id,
      year: s.year,
      unit: s.unit?.name,
      name: s.kind === 'department' ? '部门整体支出' : s.name,
      sheetStatus: s.status,
      quarters: PERIODS.map((p) => ({ period: p, status: statuses.get(s.id)?.[p] ?? null })),
      evaluation: evs.get(s.id)
        ? { status: evs.get(s.id)!.status, total: evs.get(s.id)!.total, grade: evs.get(s.id)!.grade }
        : null,
    }));
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
  ) {
    const sheet = await this.targets.getSheet(sheetId);
    const report = await this.actuals.getReport(sheetId, period);
    const saved = new Map((report?.values ?? []).map((v) => [v.indicatorId, v]));
    const spentBy = new Map((report?.spending ?? []).map((s) => [s.source, s.amount]));
    const editable =
      can(actor.user.role, 'actuals.write') && (!report || report.status === 'draft' || report.status === 'returned');
    const pick = (key: string, fallback: string | null | undefined) => (form ? (form[key] ?? '') : (fallback ?? ''));
    return {
      sheet: {
        id: sheet.id,
        name: sheet.kind === 'department' ? '部门整体支出' : sheet.name,
        year: sheet.year,
        budget: sheet.budgetTotal,
        unit: sheet.unit?.name,
      },
      period,
      periodLabel: PERIOD_LABEL[period],
      periods: PERIODS.map((p) => ({ p, label: PERIOD_LABEL[p], current: p === period })),
      status: report?.status ?? null,
      returnReason: report?.returnReason ?? null,
      editable,
      canConfirm: can(actor.user.role, 'actuals.confirm') && report?.status === 'submitted',
      lights: report?.monitoring
        ? { spending: report.monitoring.spendingLight, indicators: report.monitoring.indicatorLight }
        : null,
      spending: FUND_SOURCES.map((source, k) => ({
        source,
        key: `spend_${k}`,
        amount: pick(`spend_${k}`, spentBy.get(source)),
      })),
      spendingErrors: errors?.get('spending') ?? [],
      formErrors: errors?.get('form') ?? [],
      indicators: sheet.indicators.map((i) => {
        const v = saved.get(i.id);
        return {
          id: i.id,
          level1: i.level1,
          level2: i.level2,
          name: i.name,
          target: i.targetRaw,
          qualitative: i.targetKind === 'qualitative',
          value: pick(`value_${i.id}`, v?.valueRaw),
          grade: pick(`grade_${i.id}`, v?.grade),
          likelihood: pick(`likelihood_${i.id}`, v?.likelihood),
          causeCategory: pick(`cause_${i.id}`, v?.causeCategory),
          causeText: pick(`causeText_${i.id}`, v?.causeText),
          errors: errors?.get(i.id) ?? [],
        };
      }),
      grades: GRADES,
      likelihoods: LIKELIHOODS,
      causes: CAUSE_CATEGORIES,
      evidence: (await this.actuals.listEvidence(sheetId, period)).map((e) => ({
        id: e.id,
        name: e.fileName,
        size: Math.ceil(e.size / 1024),
        by: e.uploadedBy,
        indicator: sheet.indicators.find((i) => i.id === e.indicatorId)?.name ?? '',
      })),
      canUpload:
        can(actor.user.role, 'actuals.write') && (!report || report.status === 'draft' || report.status === 'returned'),
    };
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
      await this.actuals.saveDraft(sheetId, period, input, who);
      if (form.action === 'submit') await submitQuarter(this.actuals, this.evaluations, sheetId, period, who);
      res.redirect(
        303,
        `/sheets/${sheetId}/periods/${period}?saved=${form.action === 'submit' ? 'submitted' : 'draft'}`,
      );
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const model = await this.quarterModel(
        sheetId,
        period,
        actor,
        form,
        fieldErrors(
          e,
          sheet.indicators.map((i) => i.id),
        ),
      );
      res
        .status(422)
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
      if (form.kind === 'workbook') await this.actuals.uploadWorkbook(sheetId, period, file.buffer, name, who);
      else await this.actuals.addEvidence(sheetId, period, file.buffer, name, form.indicatorId || null, who);
      res.redirect(
        303,
        `/sheets/${sheetId}/periods/${period}?saved=${form.kind === 'workbook' ? 'workbook' : 'evidence'}`,
      );
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const model = await this.quarterModel(sheetId, period, actor);
      res
        .status(422)
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
    if (form.action === 'return') await this.actuals.returnReport(sheetId, period, form.reason ?? '', who);
    else await this.actuals.confirm(sheetId, period, who);
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
    const sheet = await this.targets.getSheet(sheetId);
    const ev = await this.evaluations.get(sheetId).catch((e) => {
      if (e instanceof DomainError && e.code === 'NOT_FOUND') return null;
      throw e;
    });
    const result = (ev?.result ?? null) as SheetScore | null;
    const rows = new Map((ev?.indicators ?? []).map((r) => [r.indicatorId, r]));
    const report = await this.evaluations.latestReport(sheetId);
    const q4 = await this.actuals.getReport(sheetId, 'Q4');
    const actualOf = new Map((q4?.values ?? []).map((v) => [v.indicatorId, v.valueRaw ?? v.grade ?? '']));
    const role = actor.user.role;
    const model = {
      sheet: {
        id: sheet.id,
        name: sheet.kind === 'department' ? '部门整体支出' : sheet.name,
        year: sheet.year,
        unit: sheet.unit?.name,
      },
      ev: ev
        ? {
            status: ev.status,
            total: ev.total,
            grade: ev.grade,
            reviewedTotal: ev.reviewedTotal,
            reviewedGrade: ev.reviewedGrade,
            current: ev.current,
            scoreState: ev.scoreState,
            scoreError: ev.scoreError,
            returnReason: ev.returnReason,
            goalActual: ev.goalActual,
            dataVersion: ev.dataVersion,
          }
        : null,
      execution: result?.execution
        ? {
            rate: new D(result.execution.rate).toFixed(2),
            weight: round2(new D(result.execution.weight)),
            score: round2(new D(result.execution.score)),
            formula: result.execution.explanation.formula,
            draft: result.execution.draft,
          }
        : null,
      indicators: (result?.indicators ?? []).map((s) => {
        const ind = sheet.indicators[s.index];
        const r = rows.get(ind.id);
        return {
          id: ind.id,
          name: ind.name,
          level1: ind.level1,
          target: ind.targetRaw,
          actual: actualOf.get(ind.id) ?? '',
          unitWeight: normalizeNumber(r?.unitWeight ?? null) ?? '',
          weight: round2(new D(s.weight)),
          score: round2(new D(s.score)),
          completionRate: s.completionRate,
          formula: s.explanation.formula,
          adjustments: s.explanation.adjustments.join('；'),
          needsExplanation: s.needsExplanation,
          missing: s.explanationMissing,
          explanation: r?.explanationText ?? '',
          draft: r?.draft ?? s.draft ?? '',
          causeCategory: r?.causeCategory ?? '',
          reviewerScore: normalizeNumber(r?.reviewerScore ?? null) ?? '',
          reviewerComment: r?.reviewerComment ?? '',
          reviewer: r?.reviewer ?? '',
        };
      }),
      unitEditable: can(role, 'evaluation.write') && !!ev && (ev.status === 'draft' || ev.status === 'returned'),
      canSubmit: can(role, 'evaluation.submit') && !!ev && (ev.status === 'draft' || ev.status === 'returned'),
      canReview: can(role, 'evaluation.review') && ev?.status === 'submitted',
      canReport: can(role, 'reports.generate') && !!ev?.current,
      report: report ? { version: report.dataVersion, name: report.fileName } : null,
      causes: CAUSE_CATEGORIES,
      flags: result?.flags ?? [],
      canProfile: can(role, 'evaluation.review') && !!ev && ev.status !== 'approved',
      profiles: PROFILES.map((p) => ({
        id: p.id,
        label: `${p.name}（${p.id} 第 ${p.version} 版）`,
        current: p.id === ev?.profileId,
      })),
      saved,
    };
    return this.views.render(req, 'evaluation', `${model.sheet.name} 年度自评`, model);
  }

  @Post('sheets/:sheetId/evaluation')
  @Allow('evaluation.write', SHEET)
  async saveEvaluation(@Res() res: Response, @Param('sheetId', ParseUUIDPipe) sheetId: string, @Body() form: Form) {
    const ev = await this.evaluations.get(sheetId);
    if ((form.goalActual ?? '') !== (ev.goalActual ?? ''))
      await this.evaluations.setReportTexts(sheetId, { goalActual: form.goalActual ?? null });
    // unit weights (re-weighting before submission): saved together, checked per bucket by the scoring job
    const weights = ev.indicators
      .filter((r) => form[`weight_${r.indicatorId}`] !== undefined)
      .map((r) => ({ indicatorId: r.indicatorId, weight: form[`weight_${r.indicatorId}`]!.trim() || null }));
    const before = new Map(ev.indicators.map((r) => [r.indicatorId, normalizeNumber(r.unitWeight)]));
    if (weights.some((w) => normalizeNumber(w.weight) !== before.get(w.indicatorId))) {
      await this.evaluations.setWeights(sheetId, weights);
    }
    for (const r of ev.indicators) {
      const text = form[`explanation_${r.indicatorId}`];
      const cause = form[`cause_${r.indicatorId}`];
      if (text === undefined) continue;
      if (text.trim() !== (r.explanationText ?? '') || (cause || null) !== r.causeCategory) {
        await this.evaluations.setExplanation(sheetId, r.indicatorId, { text, causeCategory: cause || null });
      }
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
    @Res() res: Response,
    @Actor() who: string,
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Body() form: Form,
  ) {
    const ev = await this.evaluations.get(sheetId);
    for (const r of ev.indicators) {
      const score = form[`review_${r.indicatorId}`]?.trim();
      const comment = form[`comment_${r.indicatorId}`]?.trim() ?? '';
      if (score === undefined) continue;
      if (
        normalizeNumber(score || null) !== normalizeNumber(r.reviewerScore) ||
        comment !== (r.reviewerComment ?? '')
      ) {
        if (score || comment || r.reviewerScore !== null)
          await this.evaluations.review(sheetId, r.indicatorId, score || null, comment || null, who);
      }
    }
    if (form.action === 'approve' || form.action === 'return') {
      await this.waitScored(sheetId);
      await this.evaluations.decide(sheetId, form.action, form.reason ?? null, who);
    }
    res.redirect(303, `/sheets/${sheetId}/evaluation?saved=${form.action ?? 'reviewed'}`);
  }

  /** Reviewer scores re-score in the worker; approval waits for that (a few seconds at most). */
  private async waitScored(sheetId: string, ms = 20_000) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if ((await this.evaluations.get(sheetId)).current) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The scoring profile of one evaluation (region and year rules); the sheet is scored again. */
  @Post('sheets/:sheetId/evaluation/profile')
  @Allow('evaluation.review', SHEET)
  async profile(@Res() res: Response, @Param('sheetId', ParseUUIDPipe) sheetId: string, @Body() form: Form) {
    await this.evaluations.setProfile(sheetId, form.profileId ?? '');
    res.redirect(303, `/sheets/${sheetId}/evaluation?saved=profile`);
  }

  @Post('sheets/:sheetId/evaluation/report')
  @Allow('reports.generate', SHEET)
  async report(@Res() res: Response, @Param('sheetId', ParseUUIDPipe) sheetId: string) {
    const ev = await this.evaluations.get(sheetId);
    if (!ev.current)
      throw new DomainError('WORKFLOW_STATE', '自评得分正在计算，请稍后再生成报告', { field: 'scoreState' });
    for (const kind of reportKindsFor(ev.sheetKind)) {
      await this.jobs.enqueueAndWait(
        Job.RenderReport,
        { kind, subjectId: ev.id, dataVersion: ev.dataVersion, mail: true },
        120_000,
        { jobId: jobId(Job.RenderReport, kind, ev.id, `v${ev.dataVersion}`) },
      );
    }
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
    const board = await this.actuals.board(
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
