import { DataSource, EntityManager, In, Not } from 'typeorm';
import {
  AuditChange,
  Clock,
  ensureEvaluation,
  lockEvaluation,
  findEvaluation,
  IndicatorEntity,
  IndicatorScoreEntity,
  IndicatorValueEntity,
  indicatorScores,
  indicatorValues,
  newIndicatorScore,
  QuarterReportEntity,
  SelfEvaluationEntity,
  sheetIndicators,
  sheetWithIndicators,
  findSheet,
  STALE_VERSION,
  transition,
  UnitEntity,
} from '@selfeval/db';
import {
  AddedIndicatorInput,
  checkAddedIndicator,
  checkSectionTexts,
  D,
  DomainError,
  finalResult,
  outlineForRegion,
  findProfile,
  PERIODS,
  ScoringIndicatorInput,
  scoreSheet,
  SheetScore,
  STATUS_NAME,
  ungradedReason,
} from '@selfeval/domain';
import type { ScoreEnqueuer } from '@selfeval/jobs';
import { indicatorTarget, targetColumns } from '@selfeval/targets';
import { EvaluationResponse, toEvaluationResponse } from './evaluation.mapper';

export type EvaluationStatus = SelfEvaluationEntity['status'];
/**
 * Who edits: the unit before submission, the reviewer after it, the evaluator (scoring profile) and the
 * system (rescoring) until approval. Approved is final: nothing changes a score until a reopen.
 */
type Editor = 'unit' | 'reviewer' | 'evaluator' | 'system';
const EDITABLE_BY: Record<Editor, readonly EvaluationStatus[]> = {
  unit: ['draft', 'returned'],
  reviewer: ['submitted'],
  evaluator: ['draft', 'submitted', 'returned'],
  system: ['draft', 'submitted', 'returned'],
};
export const EVALUATION_CONFLICT = '该自评已被他人修改、提交或审核，状态已变化，请刷新后重试';
const NUMBER = /^\d+(\.\d{1,4})?$/;

/** Everything the unit's evaluation form holds; fields left out are not changed. */
export interface EvaluationForm {
  goalActual?: string | null;
  /** 预算执行率偏差原因 (below the profile's threshold or above 100%) */
  executionExplanation?: string | null;
  weights?: { indicatorId: string; weight: string | null }[];
  explanations?: {
    indicatorId: string;
    text?: string | null;
    causeCategory?: string | null;
    notApplicable?: boolean;
  }[];
  sections?: Record<string, string>;
}

/** The reviewer's form: scores beside the self-scores, and optionally the decision. */
export interface ReviewForm {
  scores: { indicatorId: string; score: string | null; comment: string | null }[];
  decision?: 'approve' | 'return';
  reason?: string | null;
}

/**
 * Year-end self-evaluation (domain.md §4): inputs (year-end actuals, unit weights, texts) in the
 * database, scores derived by a job at a data version. Any input change bumps the version, marks
 * the scores stale and enqueues a scoring job; a job for an older version does nothing. Every
 * write is one conditional UPDATE (`transition()`) audited in its transaction.
 */
export class EvaluationService {
  constructor(
    private readonly ds: DataSource,
    private readonly enqueue: ScoreEnqueuer,
    private readonly now: Clock,
  ) {}

  /**
   * Runs `edit` and bumps the version in one transaction, then enqueues scoring (after the commit).
   * The unit edits only a draft (a returned evaluation becomes a draft again); reviewers only a submitted one.
   */
  private async change(
    sheetId: string,
    by: Editor,
    action: string,
    actor: string,
    edit: (em: EntityManager, ev: SelfEvaluationEntity, changes: AuditChange[]) => Promise<void>,
    /** bump and rescore even when no field changed (a rescoring request) */
    always = false,
    /** the data version the user read: a save on top of a newer one is refused (STALE_VERSION) */
    expectedVersion?: number,
  ) {
    const ev = await this.ds.transaction((em) =>
      this.changeIn(em, sheetId, by, action, actor, edit, always, expectedVersion),
    );
    const { unchanged, ...saved } = ev;
    if (!unchanged) await this.enqueue(saved.id, saved.dataVersion);
    return saved;
  }

  /** `change()` inside the caller's transaction; the caller enqueues scoring (or scores) after it. */
  private async changeIn(
    em: EntityManager,
    sheetId: string,
    by: Editor,
    action: string,
    actor: string,
    edit: (em: EntityManager, ev: SelfEvaluationEntity, changes: AuditChange[]) => Promise<void>,
    always: boolean,
    expectedVersion: number | undefined,
  ) {
    const ev = await ensureEvaluation(em, sheetId);
    assertEditable(ev, by);
    assertVersion(ev, expectedVersion);
    const changes: AuditChange[] = [];
    await edit(em, ev, changes);
    // a form saved unchanged writes nothing and queues nothing
    if (!changes.length && !always) return { ...ev, unchanged: true };
    // the unit's first edit after a return makes it a draft again
    if (by === 'unit' && ev.status === 'returned') changes.push(['状态', STATUS_NAME.returned, STATUS_NAME.draft]);
    await transition(em, {
      entity: SelfEvaluationEntity,
      id: ev.id,
      from: EDITABLE_BY[by],
      to: by === 'unit' ? 'draft' : undefined,
      set: {
        scoreState: 'stale',
        profileId: ev.profileId,
        profileVersion: ev.profileVersion,
        goalActual: ev.goalActual,
        executionExplanation: ev.executionExplanation,
        reportTexts: ev.reportTexts,
      },
      version: 'dataVersion',
      bump: true,
      expectedVersion: ev.dataVersion,
      conflict: expectedVersion === undefined ? EVALUATION_CONFLICT : STALE_VERSION,
      audit: { action, actor, changes },
    });
    return { ...(await em.getRepository(SelfEvaluationEntity).findOneByOrFail({ id: ev.id })), unchanged: false };
  }

  /** Year-end data arrived or changed (Q4 submitted): score again. */
  requestScoring(sheetId: string, actor = 'system') {
    return this.change(sheetId, 'system', 'rescore', actor, async () => undefined, true);
  }

  setProfile(sheetId: string, profileId: string, actor = 'system', expectedVersion?: number) {
    const profile = findProfile(profileId);
    if (!profile) throw new DomainError('VALIDATION_FAILED', `未知的评分方案“${profileId}”`, { field: 'profileId' });
    return this.change(
      sheetId,
      'evaluator',
      'profile',
      actor,
      async (_em, ev, changes) => {
        changes.push([
          '评分方案',
          `${ev.profileId} 第 ${ev.profileVersion} 版`,
          `${profile.id} 第 ${profile.version} 版`,
        ]);
        ev.profileId = profile.id;
        ev.profileVersion = profile.version;
      },
      false,
      expectedVersion,
    );
  }

  /** Unit weights (re-weighting before submission); sums per bucket are checked by the scoring job. */
  setWeights(
    sheetId: string,
    weights: { indicatorId: string; weight: string | null }[],
    actor = 'system',
    expectedVersion?: number,
  ) {
    return this.saveForm(sheetId, { weights }, actor, expectedVersion);
  }

  /** The unit's own 偏差原因分析及改进措施: once written, drafts never replace it. */
  setExplanation(
    sheetId: string,
    indicatorId: string,
    patch: { text?: string | null; causeCategory?: string | null; notApplicable?: boolean },
    actor = 'system',
    expectedVersion?: number,
  ) {
    return this.saveForm(sheetId, { explanations: [{ indicatorId, ...patch }] }, actor, expectedVersion);
  }

  /** The unit's own words for the year-end documents: 实际完成情况 and the narrative report's sections. */
  setReportTexts(
    sheetId: string,
    texts: { goalActual?: string | null; sections?: Record<string, string> },
    actor = 'system',
    expectedVersion?: number,
  ) {
    return this.saveForm(sheetId, texts, actor, expectedVersion);
  }

  /**
   * The unit's whole form (实际完成情况, weights, explanations, report sections) saved at once or not
   * at all: one transaction, one version bump, one scoring job; fields that did not change are left alone.
   */
  async saveForm(sheetId: string, form: EvaluationForm, actor = 'system', expectedVersion?: number) {
    checkForm(form);
    return this.change(
      sheetId,
      'unit',
      'update',
      actor,
      (em, ev, changes) => this.applyForm(em, ev, form, changes),
      false,
      expectedVersion,
    );
  }

  /** The 预算执行率 explanation (required below the profile's threshold or above 100%). */
  setExecutionExplanation(sheetId: string, text: string | null, actor = 'system', expectedVersion?: number) {
    return this.saveForm(sheetId, { executionExplanation: text }, actor, expectedVersion);
  }

  /**
   * The head's one form: saved whole, scored at once (explanations and weights decide what is still
   * missing) and submitted, in one transaction. A refusal (an explanation missing, scoring failed)
   * leaves nothing saved: the page shows the same form again with what was typed.
   */
  async saveAndSubmit(sheetId: string, form: EvaluationForm, actor: string, expectedVersion?: number) {
    checkForm(form);
    return this.ds.transaction(async (em) => {
      const changed = await this.changeIn(
        em,
        sheetId,
        'unit',
        'update',
        actor,
        (e, v, changes) => this.applyForm(e, v, form, changes),
        false,
        expectedVersion,
      );
      // scored here, at the saved version: the head does not wait for the job, and nothing is half-done
      const ev = await lockEvaluation(em, { id: changed.id });
      if (!ev) throw new DomainError('NOT_FOUND', '这张目标表还没有自评', { field: 'sheetId' });
      if (!isCurrent(ev)) await this.scoreIn(em, ev);
      return this.submitIn(em, ev, actor);
    });
  }

  /** The unit's form applied to the evaluation and its score rows (no version bump: the caller's transition). */
  private async applyForm(em: EntityManager, ev: SelfEvaluationEntity, form: EvaluationForm, changes: AuditChange[]) {
    const rows = await this.scoreRows(em, ev);
    const touched = new Set<IndicatorScoreEntity>();
    if (form.goalActual !== undefined) {
      const text = form.goalActual?.trim() || null;
      if (text !== ev.goalActual) changes.push(['实际完成情况', ev.goalActual, text]);
      ev.goalActual = text;
    }
    if (form.executionExplanation !== undefined) {
      const text = form.executionExplanation?.trim() || null;
      if (text !== ev.executionExplanation) changes.push(['预算执行率偏差原因', ev.executionExplanation, text]);
      ev.executionExplanation = text;
    }
    for (const w of form.weights ?? []) {
      const r = rows.get(w.indicatorId);
      if (sameNumber(r.row.unitWeight, w.weight)) continue;
      changes.push([`分值“${r.name}”`, r.row.unitWeight, w.weight]);
      r.row.unitWeight = w.weight;
      touched.add(r.row);
    }
    for (const x of form.explanations ?? []) {
      const r = rows.get(x.indicatorId);
      const text = x.text === undefined ? r.row.explanationText : x.text?.trim() || null;
      const cause = x.causeCategory === undefined ? r.row.causeCategory : x.causeCategory;
      const notApplicable = x.notApplicable ?? r.row.notApplicable;
      if (text !== r.row.explanationText) changes.push([`偏差原因“${r.name}”`, r.row.explanationText, text]);
      if (cause !== r.row.causeCategory) changes.push([`偏差原因类别“${r.name}”`, r.row.causeCategory, cause]);
      if (notApplicable !== r.row.notApplicable)
        changes.push([`不适用“${r.name}”`, String(r.row.notApplicable), String(notApplicable)]);
      if (text === r.row.explanationText && cause === r.row.causeCategory && notApplicable === r.row.notApplicable)
        continue;
      Object.assign(r.row, { explanationText: text, causeCategory: cause, notApplicable });
      touched.add(r.row);
    }
    if (touched.size) await em.getRepository(IndicatorScoreEntity).save([...touched]);
    if (form.sections) await this.applySections(em, ev, form.sections, changes);
  }

  /**
   * The unit adds an indicator to its 部门整体支出 sheet at year end (docs/scoring.md §department sheets):
   * a department sheet published with prose goals only, or without 产出 or 效益 indicators, is not graded
   * until it has them. The row, its Q4 actual and its 分值 are written in one transaction, audited with the
   * evaluation, and the sheet is scored again. The evaluation must be open to the unit (draft or returned).
   */
  async addIndicator(sheetId: string, input: AddedIndicatorInput, actor = 'system', expectedVersion?: number) {
    const checked = checkAddedIndicator(input);
    if (!checked.ok) throw DomainError.invalid(checked.errors);
    const added = checked.indicator;
    const saved = await this.change(
      sheetId,
      'unit',
      'add-indicator',
      actor,
      async (em, ev, changes) => {
        const sheet = await findSheet(em, ev.sheetId);
        if (sheet.kind !== 'department')
          throw new DomainError('VALIDATION_FAILED', '只有部门整体支出自评可以在年终补充绩效指标', {
            field: 'sheetId',
          });
        const q4 = await em.getRepository(QuarterReportEntity).findOneBy({ sheetId: sheet.id, period: 'Q4' });
        if (!q4)
          throw new DomainError('WORKFLOW_STATE', '四季度（年终）数据填报后才能补充指标及其实际完成值', {
            field: 'period',
          });
        const existing = await sheetIndicators(em, sheet.id);
        if (existing.some((i) => i.level1 === added.level1 && i.name === added.name))
          throw new DomainError('VALIDATION_FAILED', `“${added.level1}”下已有指标“${added.name}”`, { field: 'name' });
        const indicator = await em.getRepository(IndicatorEntity).save(
          em.getRepository(IndicatorEntity).create({
            sheetId: sheet.id,
            position: Math.max(-1, ...existing.map((i) => i.position)) + 1,
            level1: added.level1,
            level2: added.level2,
            name: added.name,
            description: '年终自评时由单位补充的指标',
            basis: null,
            standard: null,
            weight: null,
            ...targetColumns(added.target),
          }),
        );
        await em.getRepository(IndicatorValueEntity).save(
          em.getRepository(IndicatorValueEntity).create({
            reportId: q4.id,
            indicatorId: indicator.id,
            valueRaw: added.valueRaw,
            valueNum: added.valueNum,
            grade: added.grade,
            likelihood: null,
            causeCategory: null,
            causeText: null,
          }),
        );
        if (added.weight) {
          const row = newIndicatorScore(em, ev.id, indicator.id);
          row.unitWeight = added.weight;
          await em.getRepository(IndicatorScoreEntity).save(row);
        }
        changes.push([
          `补充指标“${added.name}”`,
          null,
          `${added.level1} / ${added.level2}，年度指标值 ${added.target.raw}，实际完成值 ${added.valueRaw}` +
            (added.weight ? `，分值 ${added.weight}` : ''),
        ]);
      },
      false,
      expectedVersion,
    );
    return saved;
  }

  private async applySections(
    em: EntityManager,
    ev: SelfEvaluationEntity,
    sections: Record<string, string>,
    changes: AuditChange[],
  ) {
    const sheet = await findSheet(em, ev.sheetId);
    if (sheet.kind !== 'department')
      throw new DomainError('VALIDATION_FAILED', '只有部门整体支出自评有自评报告正文', { field: 'sections' });
    const unit = await em.getRepository(UnitEntity).findOneByOrFail({ id: sheet.unitId });
    const problems = checkSectionTexts(outlineForRegion(unit.region), sections);
    if (problems.length) throw DomainError.invalid(problems);
    const merged = { ...(ev.reportTexts ?? {}) };
    for (const [id, text] of Object.entries(sections)) {
      const before = merged[id] ?? null;
      if (text.trim()) merged[id] = text.trim();
      else delete merged[id];
      if ((merged[id] ?? null) !== before) changes.push([`自评报告“${id}”`, before, merged[id] ?? null]);
    }
    ev.reportTexts = merged;
  }

  /**
   * Reviewer score beside the self-score (§4.8); it is final for the grade and the report, so it is
   * an input like any other: it bumps the data version, and a report rendered before it is not reused.
   */
  async review(
    sheetId: string,
    indicatorId: string,
    score: string | null,
    comment: string | null,
    reviewer: string,
    expectedVersion?: number,
  ) {
    const ev = await this.reviewForm(sheetId, { scores: [{ indicatorId, score, comment }] }, reviewer, expectedVersion);
    return this.ds.getRepository(IndicatorScoreEntity).findOneByOrFail({ evaluationId: ev.id, indicatorId });
  }

  /**
   * The reviewer's whole form in one transaction: changed scores (audited, one version bump), then
   * the decision. Reviewer scores do not change the rule scores, so approving in the same form needs
   * the rule scores current when the form was read, not a new scoring run (and no waiting for one).
   */
  async reviewForm(sheetId: string, form: ReviewForm, actor: string, expectedVersion?: number) {
    const problems: { field: string; message: string }[] = [];
    for (const s of form.scores) {
      if (s.score !== null && !NUMBER.test(s.score))
        problems.push({
          field: `scores[${s.indicatorId}]`,
          message: `评审得分“${s.score}”应为非负数（最多 4 位小数）`,
        });
    }
    if (form.decision === 'return' && !form.reason?.trim())
      problems.push({ field: 'reason', message: '退回须填写原因' });
    const ev = await this.ds.transaction(async (em) => {
      const ev = await ensureEvaluation(em, sheetId);
      assertEditable(ev, 'reviewer');
      assertVersion(ev, expectedVersion);
      const scoredBefore = isCurrent(ev);
      const rows = await this.scoreRows(em, ev);
      // the whole form is checked before anything is written: every problem named by its field
      for (const s of form.scores) {
        const r = rows.get(s.indicatorId);
        if (s.score !== null && NUMBER.test(s.score) && r.row.weight !== null && new D(s.score).gt(r.row.weight))
          problems.push({
            field: `scores[${s.indicatorId}]`,
            message: `“${r.name}”的评审得分 ${s.score} 超过该指标分值 ${new D(r.row.weight).toFixed()}`,
          });
      }
      if (problems.length)
        throw new DomainError(
          'VALIDATION_FAILED',
          problems.map((p) => p.message).join('；'),
          { field: problems[0].field === 'reason' ? 'reason' : 'score' },
          problems,
        );
      const changes: AuditChange[] = [];
      const touched: IndicatorScoreEntity[] = [];
      for (const s of form.scores) {
        const r = rows.get(s.indicatorId);
        const comment = s.comment?.trim() || null;
        if (sameNumber(r.row.reviewerScore, s.score) && comment === r.row.reviewerComment) continue;
        changes.push([`评审得分“${r.name}”`, r.row.reviewerScore, s.score]);
        if (comment !== r.row.reviewerComment) changes.push([`评审意见“${r.name}”`, r.row.reviewerComment, comment]);
        Object.assign(r.row, {
          reviewerScore: s.score,
          reviewerComment: comment,
          reviewer: actor,
          reviewedAt: this.now(),
        });
        touched.push(r.row);
      }
      let version = ev.dataVersion;
      if (touched.length) {
        await em.getRepository(IndicatorScoreEntity).save(touched);
        // Reviewer scores are not inputs of the rule scores: current rule scores stay current at the
        // new version (reports of the old version are not reused); otherwise they are computed again.
        await transition(em, {
          entity: SelfEvaluationEntity,
          id: ev.id,
          from: ['submitted'],
          set: scoredBefore ? { scoredVersion: ev.dataVersion + 1 } : { scoreState: 'stale' },
          version: 'dataVersion',
          bump: true,
          expectedVersion: version,
          conflict: EVALUATION_CONFLICT,
          audit: { action: 'review', actor, changes },
        });
        version += 1;
      }
      if (form.decision) await this.decideIn(em, ev, form.decision, form.reason ?? null, actor, version, scoredBefore);
      return { id: ev.id, dataVersion: version, rescore: touched.length > 0 && !scoredBefore };
    });
    if (ev.rescore) await this.enqueue(ev.id, ev.dataVersion);
    return this.ds.getRepository(SelfEvaluationEntity).findOneByOrFail({ id: ev.id });
  }

  /**
   * The unit head submits the scored self-evaluation (§4.7: refused while an explanation is missing
   * or the scores are not current).
   */
  async submit(sheetId: string, actor: string) {
    return this.ds.transaction(async (em) => this.submitIn(em, await ensureEvaluation(em, sheetId), actor));
  }

  private async submitIn(em: EntityManager, ev: SelfEvaluationEntity, actor: string) {
    if (ev.status === 'submitted' || ev.status === 'approved')
      throw new DomainError('WORKFLOW_STATE', '自评已提交', { field: 'status' });
    if (!isCurrent(ev) || !ev.result)
      throw new DomainError(
        'WORKFLOW_STATE',
        ev.scoreState === 'failed' ? `自评打分失败，不能提交：${ev.scoreError}` : '自评得分正在计算，请稍后再提交',
        { field: 'scoreState' },
      );
    const result = ev.result;
    // a department sheet without 产出/效益 indicators has nothing to review until the unit adds them
    const ungraded = ungradedReason(result);
    if (ungraded)
      throw new DomainError('VALIDATION_FAILED', `${ungraded}。请先在年终补充绩效指标，再提交评审`, {
        field: 'indicators',
      });
    const indicators = await sheetIndicators(em, ev.sheetId);
    // each missing text named by its field, so a page shows the message beside the box
    const missing = [
      ...(result.execution?.explanationMissing ? [{ field: 'executionExplanation', name: '预算执行率' }] : []),
      ...result.indicators
        .filter((i) => i.explanationMissing)
        .map((i) => ({ field: `explanations[${indicators[i.index]?.id}]`, name: `“${i.name}”` })),
    ];
    if (missing.length)
      throw new DomainError(
        'VALIDATION_FAILED',
        `以下项目须填写偏差原因分析及改进措施后才能提交：${missing.map((m) => m.name).join('、')}`,
        { field: 'explanations' },
        missing.map((m) => ({ field: m.field, message: `${m.name}须填写偏差原因分析及改进措施后才能提交` })),
      );
    // the version is the one scored: an input changed since then makes this a conflict
    await transition(em, {
      entity: SelfEvaluationEntity,
      id: ev.id,
      from: EDITABLE_BY.unit,
      to: 'submitted',
      set: { submittedBy: actor, submittedAt: this.now(), returnReason: null },
      version: 'dataVersion',
      expectedVersion: ev.dataVersion,
      conflict: EVALUATION_CONFLICT,
      audit: { action: 'submit', actor, changes: [['状态', STATUS_NAME[ev.status], STATUS_NAME.submitted]] },
    });
    return em.getRepository(SelfEvaluationEntity).findOneByOrFail({ id: ev.id });
  }

  /** The evaluator approves a submitted self-evaluation or returns it with a reason. */
  async decide(sheetId: string, decision: 'approve' | 'return', reason: string | null, actor: string) {
    return this.reviewForm(sheetId, { scores: [], decision, reason }, actor);
  }

  private async decideIn(
    em: EntityManager,
    ev: SelfEvaluationEntity,
    decision: 'approve' | 'return',
    reason: string | null,
    actor: string,
    version: number,
    scored: boolean,
  ) {
    if (decision === 'approve' && !scored)
      throw new DomainError('WORKFLOW_STATE', '评审得分正在重新计算，请稍后再审核通过', { field: 'scoreState' });
    const to = decision === 'approve' ? 'approved' : 'returned';
    await transition(em, {
      entity: SelfEvaluationEntity,
      id: ev.id,
      from: ['submitted'],
      to,
      set: { decidedBy: actor, decidedAt: this.now(), returnReason: decision === 'return' ? reason?.trim() : null },
      version: 'dataVersion',
      expectedVersion: version,
      conflict: EVALUATION_CONFLICT,
      audit: {
        action: decision,
        actor,
        changes: [['状态', STATUS_NAME.submitted, STATUS_NAME[to]]],
        reason: reason?.trim() || null,
      },
    });
  }

  /**
   * Approved is final; reopening is the one way back: the evaluator of the unit (or an administrator)
   * sends an approved self-evaluation back to the unit with a reason. It becomes "returned": the unit
   * (and the quarter reports under it) can change again, must submit again, and the evaluator reviews again.
   */
  async reopen(sheetId: string, reason: string | null | undefined, actor: string) {
    const why = reason?.trim();
    if (!why) throw new DomainError('VALIDATION_FAILED', '重新打开须填写原因', { field: 'reason' });
    return this.ds.transaction(async (em) => {
      const ev = await lockEvaluation(em, { sheetId });
      if (!ev) throw new DomainError('NOT_FOUND', '这张目标表还没有自评', { field: 'sheetId' });
      if (ev.status !== 'approved')
        throw new DomainError(
          'WORKFLOW_STATE',
          `自评当前为“${STATUS_NAME[ev.status]}”，只有审核通过的自评才能重新打开`,
          { field: 'status' },
        );
      await transition(em, {
        entity: SelfEvaluationEntity,
        id: ev.id,
        from: ['approved'],
        to: 'returned',
        set: { decidedBy: actor, decidedAt: this.now(), returnReason: why },
        conflict: EVALUATION_CONFLICT,
        audit: {
          action: 'reopen',
          actor,
          changes: [['状态', STATUS_NAME.approved, STATUS_NAME.returned]],
          reason: why,
        },
      });
      return em.getRepository(SelfEvaluationEntity).findOneByOrFail({ id: ev.id });
    });
  }

  /** Score rows by indicator (new ones made on demand), with the indicator's name for the audit trail. */
  private async scoreRows(em: EntityManager, ev: SelfEvaluationEntity) {
    const indicators = new Map((await sheetIndicators(em, ev.sheetId)).map((i) => [i.id, i]));
    const rows = new Map((await indicatorScores(em, ev.id)).map((r) => [r.indicatorId, r]));
    return {
      get(indicatorId: string) {
        const ind = indicators.get(indicatorId);
        if (!ind)
          throw new DomainError('VALIDATION_FAILED', `指标 ${indicatorId} 不属于这张绩效目标表`, {
            field: 'indicatorId',
          });
        let row = rows.get(indicatorId);
        if (!row) {
          row = newIndicatorScore(em, ev.id, indicatorId);
          rows.set(indicatorId, row);
        }
        return { row, name: ind.name };
      },
    };
  }

  // ---- the job's work ----------------------------------------------------------------------
  /** Scores at `dataVersion`; writes every result in one transaction; a stale version is skipped. */
  async score(evaluationId: string, dataVersion: number): Promise<'scored' | 'failed' | 'skipped'> {
    return this.ds.transaction(async (em) => {
      // locked: an edit or decision made while scoring waits, and is not overwritten by the save below
      const ev = await lockEvaluation(em, { id: evaluationId });
      if (!ev || ev.dataVersion !== dataVersion) return 'skipped';
      return this.scoreIn(em, ev);
    });
  }

  /** Scores a locked evaluation at its data version and stores the result (inside the caller's transaction). */
  private async scoreIn(em: EntityManager, ev: SelfEvaluationEntity): Promise<'scored' | 'failed'> {
    const evaluationId = ev.id;
    const dataVersion = ev.dataVersion;
    {
      const evRepo = em.getRepository(SelfEvaluationEntity);
      const { sheet, indicators } = await sheetWithIndicators(em, ev.sheetId);
      const reports = await em.getRepository(QuarterReportEntity).findBy({ sheetId: sheet.id });
      const byPeriod = new Map(reports.map((r) => [r.period, r]));
      const q4 = byPeriod.get('Q4');
      const values = new Map<string, IndicatorValueEntity[]>();
      for (const p of PERIODS) {
        const rep = byPeriod.get(p);
        if (!rep) continue;
        for (const v of await indicatorValues(em, rep.id)) values.set(`${p}:${v.indicatorId}`, [v]);
      }
      const rows = new Map((await indicatorScores(em, evaluationId)).map((r) => [r.indicatorId, r]));
      const inputs: ScoringIndicatorInput[] = indicators.map((i) => {
        const year = values.get(`Q4:${i.id}`)?.[0];
        const r = rows.get(i.id);
        return {
          level1: i.level1,
          level2: i.level2,
          name: i.name,
          target: indicatorTarget(i),
          actual: year?.valueRaw ?? undefined,
          grade: year?.grade ?? undefined,
          weight: r?.unitWeight ?? undefined,
          notApplicable: r?.notApplicable ?? false,
          explanation: r?.explanationText ?? undefined,
          causeCategory: (r?.causeCategory ??
            year?.causeCategory ??
            undefined) as ScoringIndicatorInput['causeCategory'],
          causeText: year?.causeText ?? undefined,
          quarterly: PERIODS.map((p) => values.get(`${p}:${i.id}`)?.[0]?.valueRaw ?? null),
        };
      });
      const result: SheetScore = q4
        ? scoreSheet({
            profile: ev.profileId,
            profileVersion: ev.profileVersion,
            // the 自评表 is the unit's: its 分值 (or the profile's split where it gave none) are the weights,
            // and other bucket totals than the profile's are a review flag (docs/scoring.md)
            totals: 'form',
            kind: sheet.kind,
            budget: { initial: sheet.budgetTotal ?? undefined, adjusted: q4.adjustedBudget, spent: q4.spentTotal },
            spendingPlan: sheet.spendingPlan,
            quarterlySpent: PERIODS.map((p) => byPeriod.get(p)?.spentTotal ?? null),
            executionExplanation: ev.executionExplanation ?? undefined,
            indicators: inputs,
          })
        : ({ errors: [{ field: 'Q4', message: '四季度（年终）数据尚未填报，无法自评打分' }] } as SheetScore);
      if (result.errors.length) {
        Object.assign(ev, {
          scoreState: 'failed',
          scoreError: result.errors.map((e) => `${e.field}：${e.message}`).join('\n'),
          scoredVersion: dataVersion,
          scoredAt: this.now(),
        });
        await evRepo.save(ev);
        return 'failed';
      }
      const scoreRepo = em.getRepository(IndicatorScoreEntity);
      const toSave = result.indicators.map((s) => {
        const ind = indicators[s.index];
        const r = rows.get(ind.id) ?? newIndicatorScore(em, evaluationId, ind.id);
        // the draft is only ever a suggestion next to an empty human text
        return Object.assign(r, { weight: s.weight, ruleScore: s.score, draft: r.explanationText ? null : s.draft });
      });
      await scoreRepo.save(toSave);
      Object.assign(ev, {
        scoreState: 'scored',
        scoreError: null,
        scoredVersion: dataVersion,
        scoredAt: this.now(),
        total: result.total,
        totalExact: result.totalExact,
        grade: result.grade,
        result,
      });
      await evRepo.save(ev);
      return 'scored';
    }
  }

  /** Marks every evaluation under a profile stale in one UPDATE; the caller enqueues their jobs. */
  async markProfileStale(profileId: string): Promise<{ id: string; dataVersion: number }[]> {
    return this.ds.transaction(async (em) => {
      await em
        .createQueryBuilder()
        .update(SelfEvaluationEntity)
        .set({ dataVersion: () => 'data_version + 1', scoreState: 'stale' })
        .where('profile_id = :profileId', { profileId })
        // approved is final: a new profile version applies after a reopen, not behind the evaluator's back
        .andWhere('status <> :approved', { approved: 'approved' })
        .execute();
      const rows = await em
        .getRepository(SelfEvaluationEntity)
        .find({ select: { id: true, dataVersion: true }, where: { profileId, status: Not('approved') } });
      return rows.map((r) => ({ id: r.id, dataVersion: r.dataVersion }));
    });
  }

  /** Self-evaluations of these sheets, for overviews and the evaluator's queue. */
  async bySheet(sheetIds: string[]): Promise<Map<string, SelfEvaluationEntity>> {
    if (!sheetIds.length) return new Map();
    const rows = await this.ds.getRepository(SelfEvaluationEntity).findBy({ sheetId: In(sheetIds) });
    return new Map(rows.map((r) => [r.sheetId, r]));
  }

  /** What the UI and the report show: rule score, reviewer score, and the total with reviewer scores final. */
  async get(sheetId: string): Promise<EvaluationResponse> {
    const ev = await findEvaluation(this.ds, sheetId);
    if (!ev) throw new DomainError('NOT_FOUND', '这张目标表还没有自评', { field: 'sheetId' });
    const rows = await indicatorScores(this.ds, ev.id);
    const result = ev.result;
    let reviewedTotal: string | null = null;
    let reviewedGrade: string | null = null;
    // a form without an execution score is reviewed like any other; an ungraded sheet has no total to review
    if (result && rows.some((r) => r.reviewerScore !== null)) {
      const byId = new Map(rows.map((r) => [r.indicatorId, r]));
      const indicators = await sheetIndicators(this.ds, sheetId);
      const reviewer = new Map<number, string>();
      result.indicators.forEach((s) => {
        const r = byId.get(indicators[s.index].id)?.reviewerScore;
        if (r !== null && r !== undefined) reviewer.set(s.index, r);
      });
      ({ total: reviewedTotal, grade: reviewedGrade } = finalResult(result, reviewer));
    }
    const sheet = await findSheet(this.ds, sheetId);
    return toEvaluationResponse(ev, {
      sheetKind: sheet.kind,
      ungraded: result && isCurrent(ev) ? ungradedReason(result) : null,
      indicators: rows,
      reviewedTotal,
      reviewedGrade,
      current: isCurrent(ev),
    });
  }
}

/** Scores computed from the data as it is now. */
export function isCurrent(ev: Pick<SelfEvaluationEntity, 'scoreState' | 'scoredVersion' | 'dataVersion'>) {
  return ev.scoreState === 'scored' && ev.scoredVersion === ev.dataVersion;
}

function assertEditable(ev: SelfEvaluationEntity, by: Editor) {
  if (EDITABLE_BY[by].includes(ev.status)) return;
  if (by === 'reviewer') throw new DomainError('WORKFLOW_STATE', '只能审核已提交的自评', { field: 'status' });
  throw new DomainError(
    'WORKFLOW_STATE',
    ev.status === 'approved'
      ? '自评已审核通过，不能再修改；如需修改，请评审人先重新打开自评'
      : '自评已提交，评审人退回后才能修改',
    { field: 'status' },
  );
}

/** The unit's form checked before anything is written: every bad 分值 named by its indicator. */
function checkForm(form: EvaluationForm) {
  const bad = (form.weights ?? []).filter((w) => w.weight !== null && !NUMBER.test(w.weight));
  if (bad.length)
    throw new DomainError(
      'VALIDATION_FAILED',
      bad.map((w) => `分值“${w.weight}”应为非负数（最多 4 位小数）`).join('；'),
      { field: 'weight' },
      bad.map((w) => ({ field: `weights[${w.indicatorId}]`, message: `分值“${w.weight}”应为非负数（最多 4 位小数）` })),
    );
}

/** The version the user read must still be the stored one (optimistic concurrency). */
function assertVersion(ev: SelfEvaluationEntity, expected: number | undefined) {
  if (expected !== undefined && ev.dataVersion !== expected)
    throw new DomainError('CONFLICT', STALE_VERSION, { field: 'version' });
}

/** Equal as numbers ("5" and "5.0000" are the same weight), or both empty. */
function sameNumber(a: string | null, b: string | null): boolean {
  if (a === null || b === null || a.trim() === '' || b.trim() === '')
    return (a?.trim() || null) === (b?.trim() || null);
  return NUMBER.test(a.trim()) && NUMBER.test(b.trim()) ? new D(a).eq(b) : a === b;
}
