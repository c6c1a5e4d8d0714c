import { DataSource, EntityManager, In } from 'typeorm';
import {
  IndicatorEntity,
  IndicatorScoreEntity,
  IndicatorValueEntity,
  QuarterReportEntity,
  ReportFileEntity,
  SelfEvaluationEntity,
  TargetSheetEntity,
  UnitEntity,
} from '@selfeval/db';
import {
  checkSectionTexts,
  D,
  DEFAULT_PROFILE_ID,
  DomainError,
  finalResult,
  outlineForRegion,
  ReportKind,
  findProfile,
  PERIODS,
  ScoringIndicatorInput,
  scoreSheet,
  SheetScore,
} from '@selfeval/domain';
import { indicatorTarget } from '@selfeval/targets';

export type ScoreEnqueuer = (evaluationId: string, dataVersion: number) => Promise<unknown>;

/**
 * Year-end self-evaluation (domain.md §4): inputs (year-end actuals, unit weights, texts) in the
 * database, scores derived by a job at a data version. Any input change bumps the version, marks
 * the scores stale and enqueues a scoring job; a job for an older version does nothing.
 */
export class EvaluationService {
  constructor(
    private readonly ds: DataSource,
    private readonly enqueue: ScoreEnqueuer = async () => undefined,
  ) {}

  private async ensure(em: EntityManager, sheetId: string): Promise<SelfEvaluationEntity> {
    const repo = em.getRepository(SelfEvaluationEntity);
    const found = await repo.findOneBy({ sheetId });
    if (found) return found;
    const sheet = await em.getRepository(TargetSheetEntity).findOneBy({ id: sheetId });
    if (!sheet) throw new DomainError('NOT_FOUND', `找不到绩效目标表 ${sheetId}`, { field: 'sheetId' });
    if (sheet.status !== 'approved')
      throw new DomainError('WORKFLOW_STATE', `“${sheet.name}”尚未批复，不能自评`, { sheet: sheet.name });
    const profile = findProfile(DEFAULT_PROFILE_ID)!;
    return repo.save(
      repo.create({
        sheetId,
        unitId: sheet.unitId,
        profileId: profile.id,
        profileVersion: profile.version,
        dataVersion: 0,
        scoredVersion: null,
        scoreState: 'stale',
        scoreError: null,
        total: null,
        totalExact: null,
        grade: null,
        result: null,
        executionExplanation: null,
        scoredAt: null,
        goalActual: null,
        reportTexts: null,
        status: 'draft',
        submittedBy: null,
        submittedAt: null,
        decidedBy: null,
        decidedAt: null,
        returnReason: null,
      }),
    );
  }

  /**
   * Runs `change` and bumps the version in one transaction, then enqueues scoring (after the commit).
   * The unit edits only a draft (a returned evaluation becomes a draft again); reviewers only a submitted one.
   */
  private async change(
    sheetId: string,
    change: (em: EntityManager, ev: SelfEvaluationEntity) => Promise<void>,
    by: 'unit' | 'reviewer' | 'system' = 'system',
  ) {
    const ev = await this.ds.transaction(async (em) => {
      const ev = await this.ensure(em, sheetId);
      if (by === 'unit') {
        if (ev.status === 'submitted' || ev.status === 'approved')
          throw new DomainError(
            'WORKFLOW_STATE',
            ev.status === 'approved' ? '自评已审核通过，不能再修改' : '自评已提交，评审人退回后才能修改',
            { field: 'status' },
          );
        if (ev.status === 'returned') ev.status = 'draft';
      }
      if (by === 'reviewer' && ev.status !== 'submitted')
        throw new DomainError('WORKFLOW_STATE', '只能评审已提交的自评', { field: 'status' });
      await change(em, ev);
      ev.dataVersion += 1;
      ev.scoreState = 'stale';
      return em.getRepository(SelfEvaluationEntity).save(ev);
    });
    await this.enqueue(ev.id, ev.dataVersion);
    return ev;
  }

  /** Year-end data arrived or changed (Q4 submitted): score again. */
  requestScoring(sheetId: string) {
    return this.change(sheetId, async () => undefined);
  }

  setProfile(sheetId: string, profileId: string) {
    const profile = findProfile(profileId);
    if (!profile) throw new DomainError('VALIDATION_FAILED', `未知的评分方案“${profileId}”`, { field: 'profileId' });
    return this.change(
      sheetId,
      async (_em, ev) => {
        ev.profileId = profile.id;
        ev.profileVersion = profile.version;
      },
      'system',
    );
  }

  /** Unit weights (re-weighting before submission); sums per bucket are checked by the scoring job. */
  setWeights(sheetId: string, weights: { indicatorId: string; weight: string | null }[]) {
    for (const w of weights) {
      if (w.weight !== null && !/^\d+(\.\d{1,4})?$/.test(w.weight))
        throw new DomainError('VALIDATION_FAILED', `分值“${w.weight}”应为非负数（最多 4 位小数）`, { field: 'weight' });
    }
    return this.change(
      sheetId,
      async (em, ev) => {
        const rows: IndicatorScoreEntity[] = [];
        for (const w of weights)
          rows.push(Object.assign(await this.row(em, ev, w.indicatorId), { unitWeight: w.weight }));
        await em.getRepository(IndicatorScoreEntity).save(rows);
      },
      'unit',
    );
  }

  /** The unit's own 偏差原因分析及改进措施: once written, drafts never replace it. */
  setExplanation(
    sheetId: string,
    indicatorId: string,
    patch: { text?: string | null; causeCategory?: string | null; notApplicable?: boolean },
  ) {
    return this.change(
      sheetId,
      async (em, ev) => {
        const r = await this.row(em, ev, indicatorId);
        if (patch.text !== undefined) r.explanationText = patch.text?.trim() || null;
        if (patch.causeCategory !== undefined) r.causeCategory = patch.causeCategory;
        if (patch.notApplicable !== undefined) r.notApplicable = patch.notApplicable;
        await em.getRepository(IndicatorScoreEntity).save(r);
      },
      'unit',
    );
  }

  /**
   * Reviewer score beside the self-score (§4.8); it is final for the grade and the report, so it is
   * an input like any other: it bumps the data version, and a report rendered before it is not reused.
   */
  async review(sheetId: string, indicatorId: string, score: string | null, comment: string | null, reviewer: string) {
    let saved!: IndicatorScoreEntity;
    await this.change(
      sheetId,
      async (em, ev) => {
        const r = await this.row(em, ev, indicatorId);
        if (score !== null) {
          if (!/^\d+(\.\d{1,4})?$/.test(score))
            throw new DomainError('VALIDATION_FAILED', `评审得分“${score}”应为非负数`, { field: 'score' });
          if (r.weight !== null && new D(score).gt(r.weight))
            throw new DomainError('VALIDATION_FAILED', `评审得分 ${score} 超过该指标分值 ${r.weight}`, {
              field: 'score',
            });
        }
        Object.assign(r, {
          reviewerScore: score,
          reviewerComment: comment?.trim() || null,
          reviewer,
          reviewedAt: new Date(),
        });
        saved = await em.getRepository(IndicatorScoreEntity).save(r);
      },
      'reviewer',
    );
    return saved;
  }

  /**
   * The unit head submits the scored self-evaluation (§4.7: refused while an explanation is missing
   * or the scores are not current).
   */
  async submit(sheetId: string, actor: string) {
    return this.ds.transaction(async (em) => {
      const ev = await this.ensure(em, sheetId);
      if (ev.status === 'submitted' || ev.status === 'approved')
        throw new DomainError('WORKFLOW_STATE', '自评已提交', { field: 'status' });
      if (ev.scoreState !== 'scored' || ev.scoredVersion !== ev.dataVersion)
        throw new DomainError(
          'WORKFLOW_STATE',
          ev.scoreState === 'failed' ? `自评打分失败，不能提交：${ev.scoreError}` : '自评得分正在计算，请稍后再提交',
          { field: 'scoreState' },
        );
      const result = ev.result as unknown as SheetScore;
      const missing = [
        ...(result.execution?.explanationMissing ? ['预算执行率'] : []),
        ...result.indicators.filter((i) => i.explanationMissing).map((i) => `“${i.name}”`),
      ];
      if (missing.length)
        throw new DomainError(
          'VALIDATION_FAILED',
          `以下项目须填写偏差原因分析及改进措施后才能提交：${missing.join('、')}`,
          { field: 'explanations' },
        );
      Object.assign(ev, { status: 'submitted', submittedBy: actor, submittedAt: new Date(), returnReason: null });
      return em.getRepository(SelfEvaluationEntity).save(ev);
    });
  }

  /** The evaluator approves a submitted self-evaluation or returns it with a reason. */
  async decide(sheetId: string, decision: 'approve' | 'return', reason: string | null, actor: string) {
    if (decision === 'return' && !reason?.trim())
      throw new DomainError('VALIDATION_FAILED', '退回须填写原因', { field: 'reason' });
    return this.ds.transaction(async (em) => {
      const ev = await this.ensure(em, sheetId);
      if (ev.status !== 'submitted')
        throw new DomainError('WORKFLOW_STATE', '只能审核已提交的自评', { field: 'status' });
      if (decision === 'approve' && (ev.scoreState !== 'scored' || ev.scoredVersion !== ev.dataVersion))
        throw new DomainError('WORKFLOW_STATE', '评审得分正在重新计算，请稍后再审核通过', { field: 'scoreState' });
      Object.assign(ev, {
        status: decision === 'approve' ? 'approved' : 'returned',
        decidedBy: actor,
        decidedAt: new Date(),
        returnReason: decision === 'return' ? reason!.trim() : null,
      });
      return em.getRepository(SelfEvaluationEntity).save(ev);
    });
  }

  /** The unit's own words for the year-end documents: 实际完成情况 and the narrative report's sections. */
  setReportTexts(sheetId: string, texts: { goalActual?: string | null; sections?: Record<string, string> }) {
    return this.change(
      sheetId,
      async (em, ev) => {
        if (texts.goalActual !== undefined) ev.goalActual = texts.goalActual?.trim() || null;
        if (texts.sections) {
          const sheet = await em.getRepository(TargetSheetEntity).findOneByOrFail({ id: ev.sheetId });
          if (sheet.kind !== 'department')
            throw new DomainError('VALIDATION_FAILED', '只有部门整体支出自评有自评报告正文', { field: 'sections' });
          const unit = await em.getRepository(UnitEntity).findOneByOrFail({ id: sheet.unitId });
          const problems = checkSectionTexts(outlineForRegion(unit.region), texts.sections);
          if (problems.length)
            throw new DomainError('VALIDATION_FAILED', problems.map((p) => p.message).join('；'), {
              field: problems[0].field,
            });
          const merged = { ...(ev.reportTexts ?? {}) };
          for (const [id, text] of Object.entries(texts.sections)) {
            if (text.trim()) merged[id] = text.trim();
            else delete merged[id];
          }
          ev.reportTexts = merged;
        }
      },
      'unit',
    );
  }

  private async row(em: EntityManager, ev: SelfEvaluationEntity, indicatorId: string): Promise<IndicatorScoreEntity> {
    const ind = await em.getRepository(IndicatorEntity).findOneBy({ id: indicatorId, sheetId: ev.sheetId });
    if (!ind)
      throw new DomainError('VALIDATION_FAILED', `指标 ${indicatorId} 不属于这张绩效目标表`, { field: 'indicatorId' });
    const repo = em.getRepository(IndicatorScoreEntity);
    const r =
      (await repo.findOneBy({ evaluationId: ev.id, indicatorId })) ??
      repo.create({
        evaluationId: ev.id,
        indicatorId,
        notApplicable: false,
        unitWeight: null,
        explanationText: null,
        causeCategory: null,
        weight: null,
        ruleScore: null,
        draft: null,
        reviewerScore: null,
        reviewerComment: null,
        reviewer: null,
        reviewedAt: null,
      });
    return r;
  }

  // ---- the job's work ----------------------------------------------------------------------
  /** Scores at `dataVersion`; writes every result in one transaction; a stale version is skipped. */
  async score(evaluationId: string, dataVersion: number): Promise<'scored' | 'failed' | 'skipped'> {
    return this.ds.transaction(async (em) => {
      const evRepo = em.getRepository(SelfEvaluationEntity);
      const ev = await evRepo.findOneBy({ id: evaluationId });
      if (!ev || ev.dataVersion !== dataVersion) return 'skipped';
      const sheet = await em.getRepository(TargetSheetEntity).findOneByOrFail({ id: ev.sheetId });
      const indicators = await em
        .getRepository(IndicatorEntity)
        .find({ where: { sheetId: sheet.id }, order: { position: 'ASC' } });
      const reports = await em.getRepository(QuarterReportEntity).findBy({ sheetId: sheet.id });
      const byPeriod = new Map(reports.map((r) => [r.period, r]));
      const q4 = byPeriod.get('Q4');
      const values = new Map<string, IndicatorValueEntity[]>();
      for (const p of PERIODS) {
        const rep = byPeriod.get(p);
        if (!rep) continue;
        for (const v of await em.getRepository(IndicatorValueEntity).findBy({ reportId: rep.id }))
          values.set(`${p}:${v.indicatorId}`, [v]);
      }
      const rows = new Map(
        (await em.getRepository(IndicatorScoreEntity).findBy({ evaluationId })).map((r) => [r.indicatorId, r]),
      );
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
          scoredAt: new Date(),
        });
        await evRepo.save(ev);
        return 'failed';
      }
      const scoreRepo = em.getRepository(IndicatorScoreEntity);
      const toSave = result.indicators.map((s) => {
        const ind = indicators[s.index];
        const r =
          rows.get(ind.id) ??
          scoreRepo.create({
            evaluationId,
            indicatorId: ind.id,
            notApplicable: false,
            unitWeight: null,
            explanationText: null,
            causeCategory: null,
            reviewerScore: null,
            reviewerComment: null,
            reviewer: null,
            reviewedAt: null,
          });
        // the draft is only ever a suggestion next to an empty human text
        return Object.assign(r, { weight: s.weight, ruleScore: s.score, draft: r.explanationText ? null : s.draft });
      });
      await scoreRepo.save(toSave);
      Object.assign(ev, {
        scoreState: 'scored',
        scoreError: null,
        scoredVersion: dataVersion,
        scoredAt: new Date(),
        total: result.total,
        totalExact: result.totalExact,
        grade: result.grade,
        result: result as unknown as Record<string, unknown>,
      });
      await evRepo.save(ev);
      return 'scored';
    });
  }

  /** Marks every evaluation under a profile stale in one UPDATE; the caller enqueues their jobs. */
  async markProfileStale(profileId: string): Promise<{ id: string; dataVersion: number }[]> {
    return this.ds.transaction(async (em) => {
      await em
        .createQueryBuilder()
        .update(SelfEvaluationEntity)
        .set({ dataVersion: () => 'data_version + 1', scoreState: 'stale' })
        .where('profile_id = :profileId', { profileId })
        .execute();
      const rows = await em
        .getRepository(SelfEvaluationEntity)
        .find({ select: { id: true, dataVersion: true }, where: { profileId } });
      return rows.map((r) => ({ id: r.id, dataVersion: r.dataVersion }));
    });
  }

  /** Self-evaluations of these sheets, for overviews and the evaluator's queue. */
  async bySheet(sheetIds: string[]): Promise<Map<string, SelfEvaluationEntity>> {
    if (!sheetIds.length) return new Map();
    const rows = await this.ds.getRepository(SelfEvaluationEntity).findBy({ sheetId: In(sheetIds) });
    return new Map(rows.map((r) => [r.sheetId, r]));
  }

  /** The newest rendered document of an evaluation (its 自评表 unless another kind is asked for), if any. */
  async latestReport(sheetId: string, kind?: ReportKind): Promise<ReportFileEntity | null> {
    const ev = await this.ds.getRepository(SelfEvaluationEntity).findOneBy({ sheetId });
    if (!ev) return null;
    const sheet = await this.ds.getRepository(TargetSheetEntity).findOneByOrFail({ id: sheetId });
    const wanted = kind ?? (sheet.kind === 'department' ? 'department-self-eval' : 'project-self-eval');
    return this.ds
      .getRepository(ReportFileEntity)
      .findOne({ where: { evaluationId: ev.id, kind: wanted }, order: { dataVersion: 'DESC' } });
  }

  /** What the UI and the report show: rule score, reviewer score, and the total with reviewer scores final. */
  async get(sheetId: string) {
    const ev = await this.ds.getRepository(SelfEvaluationEntity).findOneBy({ sheetId });
    if (!ev) throw new DomainError('NOT_FOUND', '这张目标表还没有自评', { field: 'sheetId' });
    const rows = await this.ds.getRepository(IndicatorScoreEntity).findBy({ evaluationId: ev.id });
    const result = ev.result as unknown as SheetScore | null;
    let reviewedTotal: string | null = null;
    let reviewedGrade: string | null = null;
    if (result?.execution && rows.some((r) => r.reviewerScore !== null)) {
      const byId = new Map(rows.map((r) => [r.indicatorId, r]));
      const indicators = await this.ds
        .getRepository(IndicatorEntity)
        .find({ where: { sheetId }, order: { position: 'ASC' } });
      const reviewer = new Map<number, string>();
      result.indicators.forEach((s) => {
        const r = byId.get(indicators[s.index].id)?.reviewerScore;
        if (r !== null && r !== undefined) reviewer.set(s.index, r);
      });
      ({ total: reviewedTotal, grade: reviewedGrade } = finalResult(result, reviewer));
    }
    const sheet = await this.ds.getRepository(TargetSheetEntity).findOneByOrFail({ id: sheetId });
    return {
      ...ev,
      sheetKind: sheet.kind,
      indicators: rows,
      reviewedTotal,
      reviewedGrade,
      current: ev.scoreState === 'scored' && ev.scoredVersion === ev.dataVersion,
    };
  }
}
