import type { DataSource } from 'typeorm';
import { QuarterReportsService } from '@selfeval/actuals';
import { IndicatorScoreEntity, SelfEvaluationEntity } from '@selfeval/db';
import { DomainError } from '@selfeval/domain';
import { EvaluationService, QuarterSubmission } from '@selfeval/evaluation';
import { openedDataSource } from '../helpers/data-source';
import { describePg } from '../helpers/postgres';
import { approvedSheet, auditRows, quarterReports, recordingEnqueuer, settle } from '../helpers/workflow-db';
import { syntheticProject } from '../helpers/synthetic';

const now = () => new Date('2026-12-20T02:00:00Z');
const conflictLike = (e: unknown) =>
  e instanceof DomainError && (e.code === 'CONFLICT' || e.code === 'WORKFLOW_STATE') ? 'conflict' : e;

describePg('self-evaluations on PostgreSQL: the Q4 rule, whole forms, transitions that race', () => {
  const database = openedDataSource();
  let ds: DataSource;
  let reports: QuarterReportsService;
  let evaluations: EvaluationService;
  let scoring: [string, number][];
  let sheetId: string;
  let indicators: { id: string; name: string; position: number }[];

  /** What the worker does with the queued job: score at the queued version. */
  const runQueuedScoring = async () => {
    const last = scoring[scoring.length - 1];
    const outcome = await evaluations.score(last[0], last[1]);
    expect({ outcome, error: (await evaluation()).scoreError }).toEqual({ outcome: 'scored', error: null });
  };
  const evaluation = () => ds.getRepository(SelfEvaluationEntity).findOneByOrFail({ sheetId });

  beforeAll(async () => {
    ds = database();
    const approved = await approvedSheet(ds, syntheticProject(1), now);
    sheetId = approved.sheet.id;
    indicators = approved.sheet.indicators;
    ({ service: reports } = quarterReports(ds, approved.periods, now));
    const recorded = recordingEnqueuer();
    scoring = recorded.calls;
    evaluations = new EvaluationService(ds, recorded.enqueue, now);
  });
  it('Q1–Q3 submissions do not start scoring; the Q4 submission does (the rule lives in libs/evaluation)', async () => {
    const submission = new QuarterSubmission(reports, evaluations);
    const values = ['10次', '88%', '9万元', '95%', '92%'];
    for (const p of ['Q1', 'Q2', 'Q3', 'Q4']) {
      await reports.saveDraft(
        sheetId,
        p,
        {
          spending: [{ source: '财政拨款', amount: p === 'Q4' ? '9.5' : '2' }],
          values: indicators.map((i, k) => ({ indicatorId: i.id, value: values[k] })),
        },
        '填报人',
      );
      await submission.submit(sheetId, p, '填报人');
      expect(scoring).toHaveLength(p === 'Q4' ? 1 : 0);
    }
    const ev = await evaluation();
    expect(scoring).toEqual([[ev.id, ev.dataVersion]]);
    expect(await auditRows(ds, ev.id, 'rescore')).toEqual([expect.objectContaining({ actor: '填报人' })]);
    await runQueuedScoring();
    expect((await evaluation()).result?.indicators).toHaveLength(5);
  });

  it('saves the whole form at once: one version, one job, one audit row per changed field', async () => {
    const before = await evaluation();
    const short = indicators[1]; // 88 % against ≥ 90 %: needs an explanation
    scoring.length = 0;
    await evaluations.saveForm(
      sheetId,
      {
        goalActual: '年度目标基本完成',
        // weights are all-or-none per bucket (checked by the scoring job): both indicators of 产出 left as they are
        weights: [{ indicatorId: indicators[0].id, weight: null }],
        explanations: [{ indicatorId: short.id, text: '受疫情影响，部分工作延期', causeCategory: null }],
      },
      '填报人',
    );
    const after = await evaluation();
    expect(after.dataVersion).toBe(before.dataVersion + 1);
    expect(scoring).toEqual([[after.id, after.dataVersion]]);
    const rows = await auditRows(ds, after.id, 'update');
    expect(rows.map((r) => r.field).sort()).toEqual(['实际完成情况', `偏差原因“${short.name}”`].sort());
    // saved again unchanged: nothing written, nothing queued
    await evaluations.saveForm(sheetId, { goalActual: '年度目标基本完成' }, '填报人');
    expect((await evaluation()).dataVersion).toBe(after.dataVersion);
    expect(scoring).toHaveLength(1);
    await runQueuedScoring();
  });

  it('stores nothing of a form with one bad field', async () => {
    const before = await evaluation();
    await expect(
      evaluations.saveForm(
        sheetId,
        {
          goalActual: '不应保存',
          explanations: [{ indicatorId: indicators[2].id, text: '不应保存' }],
          weights: [{ indicatorId: '00000000-0000-4000-8000-000000000000', weight: '5' }],
        },
        '填报人',
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', where: { field: 'indicatorId' } });
    const after = await evaluation();
    expect(after).toMatchObject({ goalActual: before.goalActual, dataVersion: before.dataVersion });
    expect(
      await ds.getRepository(IndicatorScoreEntity).findOneBy({ evaluationId: after.id, indicatorId: indicators[2].id }),
    ).toMatchObject({ explanationText: null });
  });

  it('five submits at once: one succeeds, the others get a 409, one audit row', async () => {
    const { ok, errors } = await settle(Array.from({ length: 5 }, () => evaluations.submit(sheetId, '负责人')));
    expect(ok).toHaveLength(1);
    expect(errors.map(conflictLike)).toEqual(['conflict', 'conflict', 'conflict', 'conflict']);
    const ev = await evaluation();
    expect(ev).toMatchObject({ status: 'submitted', submittedBy: '负责人' });
    expect(await auditRows(ds, ev.id, 'submit')).toEqual([
      expect.objectContaining({ actor: '负责人', oldValue: '草稿', newValue: '已提交' }),
    ]);
  });

  it('a reviewer score above the weight stores nothing, not even the decision', async () => {
    const ev = await evaluation();
    const scored = await ds
      .getRepository(IndicatorScoreEntity)
      .findOneByOrFail({ evaluationId: ev.id, indicatorId: indicators[0].id });
    await expect(
      evaluations.reviewForm(
        sheetId,
        {
          scores: [{ indicatorId: indicators[0].id, score: String(Number(scored.weight) + 1), comment: null }],
          decision: 'approve',
        },
        '评审人',
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', where: { field: 'score' } });
    expect(await evaluation()).toMatchObject({ status: 'submitted', dataVersion: ev.dataVersion });
  });

  it('a scoring run and a return at once: the scoring job never writes the status back', async () => {
    const ev = await evaluation();
    for (let round = 0; round < 3; round++) {
      const [outcome] = await Promise.all([
        evaluations.score(ev.id, ev.dataVersion),
        evaluations.decide(sheetId, 'return', '请补充佐证材料', '评审人'),
      ]);
      expect(outcome).toBe('scored');
      expect(await evaluation()).toMatchObject({ status: 'returned', returnReason: '请补充佐证材料' });
      // the unit head submits again (scores are current: nothing changed)
      await evaluations.submit(sheetId, '负责人');
    }
    expect(await auditRows(ds, ev.id, 'return')).toHaveLength(3);
  });

  it('reviewer scores and the decision in one form; approve and return race: exactly one decision lands', async () => {
    const ev = await evaluation();
    const started = new Date((await ds.query('SELECT now() AS t'))[0].t);
    scoring.length = 0;
    const review = { scores: [{ indicatorId: indicators[0].id, score: '1', comment: '佐证材料不足' }] };
    const { ok, errors } = await settle([
      evaluations.reviewForm(sheetId, { ...review, decision: 'approve' }, '评审人甲'),
      evaluations.reviewForm(sheetId, { scores: [], decision: 'return', reason: '请补充材料' }, '评审人乙'),
      evaluations.decide(sheetId, 'approve', null, '评审人丙'),
    ]);
    expect(ok).toHaveLength(1);
    expect(errors.map(conflictLike)).toEqual(['conflict', 'conflict']);
    const after = await evaluation();
    const since = <T extends { createdAt: Date }>(rows: T[]) => rows.filter((r) => r.createdAt >= started);
    const decisions = since([...(await auditRows(ds, ev.id, 'approve')), ...(await auditRows(ds, ev.id, 'return'))]);
    expect(decisions).toHaveLength(1);
    expect(after.status).toBe(decisions[0].action === 'approve' ? 'approved' : 'returned');
    expect(after.decidedBy).toBe(decisions[0].actor);
    // the reviewer's scores are audited too, and the rule scores stay current (they do not depend on them)
    const reviewed = await auditRows(ds, ev.id, 'review');
    if (decisions[0].actor === '评审人甲') {
      expect(reviewed.map((r) => r.field)).toEqual(
        expect.arrayContaining([`评审得分“${indicators[0].name}”`, `评审意见“${indicators[0].name}”`]),
      );
      expect(after).toMatchObject({ dataVersion: ev.dataVersion + 1, scoredVersion: ev.dataVersion + 1 });
      expect((await evaluations.get(sheetId)).current).toBe(true);
    } else expect(reviewed).toHaveLength(0);
    expect(scoring).toHaveLength(0);
  });
});
