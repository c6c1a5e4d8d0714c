import { randomUUID } from 'node:crypto';
import { ApiExcludeController } from '@nestjs/swagger';
import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QuarterReportsService } from '@selfeval/actuals';
import {
  EvaluationForm,
  EvaluationService,
  ReportDeliveryService,
  requestEvaluationReports,
} from '@selfeval/evaluation';
import { DomainError } from '@selfeval/domain';
import { JobProducer } from '@selfeval/jobs';
import { TargetsService } from '@selfeval/targets';
import { Actor, Allow, CurrentActor, RequestActor, SHEET, SheetId } from '../auth/access.decorators';
import { WebViews } from './web-views';
import { buildEvaluationPageVM, evaluationFieldErrors } from './view-models/evaluation-page.view-model';
import type { Form } from './view-models/quarter-page.view-model';
import { postedVersion } from './view-models/stale-save';
import { foundOrNull, handleForm, isStaleSave, sendPage } from './form-errors';

type PageState = Pick<
  Parameters<typeof buildEvaluationPageVM>[0],
  | 'saved'
  | 'form'
  | 'stale'
  | 'staleForm'
  | 'reopenError'
  | 'errors'
  | 'formError'
  | 'adopt'
  | 'addIndicator'
  | 'resendError'
> & { error?: string };

/** The year-end self-evaluation: the unit explains and submits, the evaluator reviews, approves or returns. */
// pages, not JSON: kept out of the OpenAPI document
@ApiExcludeController()
@Controller()
export class EvaluationPagesController {
  constructor(
    private readonly views: WebViews,
    private readonly targets: TargetsService,
    private readonly reports: QuarterReportsService,
    private readonly evaluations: EvaluationService,
    private readonly deliveries: ReportDeliveryService,
    private readonly jobs: JobProducer,
  ) {}

  private async page(req: Request, sheetId: string, actor: RequestActor, state: PageState = {}): Promise<string> {
    const { error, ...extra } = state;
    const sheet = await this.targets.getSheet(sheetId);
    const ev = await foundOrNull(this.evaluations.get(sheetId));
    const reports = ev ? await this.deliveries.overview(sheetId) : null;
    const q4 = await this.reports.getReport(sheetId, 'Q4');
    const model = buildEvaluationPageVM({
      sheet,
      ev,
      reports,
      // each page view its own resend id: a double click posts the same one and sends once
      resendNonce: randomUUID(),
      q4,
      role: actor.user.role,
      ...extra,
    });
    return this.views.render(req, 'evaluation', `${model.sheet.name} 年度自评`, { ...model, error });
  }

  @Get('sheets/:sheetId/evaluation')
  @Allow('evaluation.read', SHEET)
  async evaluation(
    @Req() req: Request,
    @CurrentActor() actor: RequestActor,
    @SheetId() sheetId: string,
    @Query('saved') saved?: string,
  ) {
    return this.page(req, sheetId, actor, { saved });
  }

  /** The unit's form: 保存 saves it whole; 采用草稿 (adopt_<id>) shows it again with that box filled, saving nothing. */
  @Post('sheets/:sheetId/evaluation')
  @Allow('evaluation.write', SHEET)
  async saveEvaluation(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: RequestActor,
    @Actor() who: string,
    @SheetId() sheetId: string,
    @Body() form: Form,
  ) {
    const adopt = Object.keys(form)
      .find((k) => k.startsWith('adopt_'))
      ?.slice('adopt_'.length);
    if (adopt) return sendPage(res, await this.page(req, sheetId, actor, { form, adopt }));
    const input = await this.unitForm(sheetId, form);
    await handleForm(
      res,
      async () => {
        // the whole form in one transaction; the service leaves unchanged fields alone
        await this.evaluations.saveForm(sheetId, input, who, postedVersion(form));
        return `/sheets/${sheetId}/evaluation?saved=draft`;
      },
      (e) => this.page(req, sheetId, actor, this.refused(form, e)),
    );
  }

  /** 提交评审 on the same form: what is typed is saved whole, scored and submitted, or nothing is. */
  @Post('sheets/:sheetId/evaluation/submit')
  @Allow('evaluation.submit', SHEET)
  async submitEvaluation(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: RequestActor,
    @Actor() who: string,
    @SheetId() sheetId: string,
    @Body() form: Form,
  ) {
    const input = await this.unitForm(sheetId, form);
    await handleForm(
      res,
      async () => {
        await this.evaluations.saveAndSubmit(sheetId, input, who, postedVersion(form));
        return `/sheets/${sheetId}/evaluation?saved=submitted`;
      },
      (e) => this.page(req, sheetId, actor, this.refused(form, e)),
    );
  }

  /** The unit's posted form as the service reads it (fields not on the page are left out, so left alone). */
  private async unitForm(sheetId: string, form: Form): Promise<EvaluationForm> {
    const ev = await this.evaluations.get(sheetId);
    const posted = (prefix: string) =>
      ev.indicators
        .filter((r) => form[`${prefix}_${r.indicatorId}`] !== undefined)
        .map((r) => ({ indicatorId: r.indicatorId, value: form[`${prefix}_${r.indicatorId}`] ?? '' }));
    return {
      ...(form.goalActual !== undefined ? { goalActual: form.goalActual } : {}),
      ...(form.executionExplanation !== undefined ? { executionExplanation: form.executionExplanation } : {}),
      // unit weights (re-weighting before submission): checked per bucket by the scoring job
      weights: posted('weight').map((w) => ({ indicatorId: w.indicatorId, weight: w.value.trim() || null })),
      explanations: posted('explanation').map((x) => ({
        indicatorId: x.indicatorId,
        text: x.value,
        causeCategory: form[`cause_${x.indicatorId}`] || null,
      })),
    };
  }

  /**
   * The same form again with everything typed: a stale save shows the stored values beside the typed
   * ones; any other refusal puts each message beside its field.
   */
  private refused(form: Form, e: DomainError, staleForm?: 'review-form'): PageState {
    if (isStaleSave(e)) return { form, stale: true, staleForm, error: e.userMessage };
    return { form, staleForm, ...evaluationFieldErrors(e) };
  }

  @Post('sheets/:sheetId/evaluation/review')
  @Allow('evaluation.review', SHEET)
  async review(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: RequestActor,
    @Actor() who: string,
    @SheetId() sheetId: string,
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
    await handleForm(
      res,
      async () => {
        // the whole form checked first, then scores and decision in one transaction: nothing is half-saved
        await this.evaluations.reviewForm(
          sheetId,
          { scores, decision, reason: form.reason ?? null },
          who,
          postedVersion(form),
        );
        return `/sheets/${sheetId}/evaluation?saved=${decision ?? 'reviewed'}`;
      },
      // a bad score, a return without reason, or a stale save: the same form, every score typed kept
      (e) => this.page(req, sheetId, actor, this.refused(form, e, 'review-form')),
    );
  }

  /** The scoring profile of one evaluation (region and year rules); the sheet is scored again. */
  @Post('sheets/:sheetId/evaluation/profile')
  @Allow('evaluation.review', SHEET)
  async profile(@Res() res: Response, @Actor() who: string, @SheetId() sheetId: string, @Body() form: Form) {
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
    @SheetId() sheetId: string,
    @Body() form: Form,
  ) {
    await handleForm(
      res,
      async () => {
        await this.evaluations.reopen(sheetId, form.reason, who);
        return `/sheets/${sheetId}/evaluation?saved=reopened`;
      },
      (e) => this.page(req, sheetId, actor, { reopenError: e.userMessage }),
      { shows: (e) => e.where.field === 'reason' },
    );
  }

  /**
   * Year-end indicator of a department sheet (EvaluationService.addIndicator): a refusal re-renders the
   * page with everything typed kept and the message beside the field it names (422).
   */
  @Post('sheets/:sheetId/evaluation/indicators')
  @Allow('evaluation.write', SHEET)
  async addIndicator(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: RequestActor,
    @Actor() who: string,
    @SheetId() sheetId: string,
    @Body() form: Form,
  ) {
    const [level1, level2] = (form.levels ?? '').split('/');
    const fields = ['level1', 'level2', 'name', 'target', 'actual', 'weight'];
    await handleForm(
      res,
      async () => {
        await this.evaluations.addIndicator(
          sheetId,
          { level1, level2, name: form.name, target: form.target, actual: form.actual, weight: form.weight },
          who,
          postedVersion(form),
        );
        return `/sheets/${sheetId}/evaluation?saved=indicator`;
      },
      (e) => {
        const errors = e.details.length
          ? e.details
          : e.where.field
            ? [{ field: e.where.field, message: e.userMessage }]
            : [];
        const named = errors.filter((x) => fields.includes(x.field));
        return this.page(req, sheetId, actor, { addIndicator: { form, errors: named, message: e.userMessage } });
      },
      { shows: (e) => ['VALIDATION_FAILED', 'WORKFLOW_STATE'].includes(e.code) },
    );
  }

  @Post('sheets/:sheetId/evaluation/report')
  @Allow('reports.generate', SHEET)
  async report(@Res() res: Response, @SheetId() sheetId: string) {
    await requestEvaluationReports(this.evaluations, this.jobs, sheetId, 120_000);
    res.redirect(303, `/sheets/${sheetId}/evaluation?saved=report`);
  }

  /**
   * 重新发送 (ReportDeliveryService.resend, the same as the JSON route): the last generated documents to
   * the unit's address as it is now. A refusal (no address yet, a mailing still on its way) shows the
   * page with the message beside the button.
   */
  @Post('sheets/:sheetId/evaluation/report/resend')
  @Allow('reports.generate', SHEET)
  async resend(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: RequestActor,
    @Actor() who: string,
    @SheetId() sheetId: string,
    @Body() form: Form,
  ) {
    await handleForm(
      res,
      async () => {
        const { repeated } = await this.deliveries.resend(sheetId, form.requestId ?? '', who);
        return `/sheets/${sheetId}/evaluation?saved=${repeated ? 'resent-repeat' : 'resent'}#reports`;
      },
      (e) => this.page(req, sheetId, actor, { resendError: e.userMessage }),
      { shows: (e) => ['VALIDATION_FAILED', 'WORKFLOW_STATE', 'NOT_FOUND'].includes(e.code) },
    );
  }
}
