import type { DataSource } from 'typeorm';
import { IndicatorEntity, IndicatorValueEntity, SelfEvaluationEntity } from '@selfeval/db';
import { DomainError, parseTarget, TargetSheet } from '@selfeval/domain';
import { EvaluationService, QuarterSubmission } from '@selfeval/evaluation';
import { openedDataSource } from '../helpers/data-source';
import { describePg } from '../helpers/postgres';
import { approvedSheet, auditRows, quarterReports, recordingEnqueuer } from '../helpers/workflow-db';
import { syntheticProject } from '../helpers/synthetic';

const now = () => new Date('2026-12-20T02:00:00Z');

/** A 部门整体支出 sheet with 产出 and 满意度 indicators only: its 效益 bucket is empty (as published). */
function departmentWithoutEffect(): TargetSheet {
  const ind = (level1: string, level2: string, name: string, raw: string) => ({
    level1,
    level2,
    name,
    target: parseTarget(raw, {}).targets[0],
  });
  return {
    kind: 'department',
    year: 2026,
    unit: { code: '902', name: '部门指标测试单位' },
    budget: { total: '200' },
    spendingPlan: [],
    goal: '保障机关正常运转，维护信访秩序。',
    attributes: {},
    warnings: [],
    indicators: [
      ind('产出指标', '数量指标', '解决特殊疑难信访问题', '≥25次'),
      ind('满意度指标', '服务对象满意度指标', '群众满意度', '≥90%'),
    ],
  };
}

describePg('stored scoring of department sheets: not graded without 效益 indicators until the unit adds them', () => {
  const database = openedDataSource();
  let ds: DataSource;
  let evaluations: EvaluationService;
  let scoring: [string, number][];
  let sheetId: string;
  const evaluation = () => ds.getRepository(SelfEvaluationEntity).findOneByOrFail({ sheetId });
  const runQueuedScoring = async () => {
    const [id, version] = scoring[scoring.length - 1];
    expect(await evaluations.score(id, version)).toBe('scored');
  };

  beforeAll(async () => {
    ds = database();
    const approved = await approvedSheet(ds, departmentWithoutEffect(), now);
    sheetId = approved.sheet.id;
    const { service: reports } = quarterReports(ds, approved.periods, now);
    const recorded = recordingEnqueuer();
    scoring = recorded.calls;
    evaluations = new EvaluationService(ds, recorded.enqueue, now);
    const submission = new QuarterSubmission(reports, evaluations);
    for (const p of ['Q1', 'Q2', 'Q3', 'Q4']) {
      await reports.saveDraft(
        sheetId,
        p,
        {
          spending: [{ source: '财政拨款', amount: p === 'Q4' ? '180' : '40' }],
          values: approved.sheet.indicators.map((i) => ({
            indicatorId: i.id,
            value: i.level1 === '产出指标' ? '28次' : '95%',
          })),
        },
        '填报人',
      );
      await submission.submit(sheetId, p, '填报人');
    }
    await runQueuedScoring();
  });

  it('scores the rows but gives no total and no grade, and says why', async () => {
    const ev = await evaluation();
    expect(ev).toMatchObject({ scoreState: 'scored', total: null, grade: null });
    expect(ev.result).toMatchObject({ gradable: false, totalExact: null });
    expect(ev.result?.indicators.map((i) => i.score)).toEqual(['50', '10']);
    expect(ev.result?.flags.map((f) => f.code)).toContain('DEPARTMENT_NOT_GRADABLE');
    const shown = await evaluations.get(sheetId);
    expect(shown).toMatchObject({ ungraded: '未评分：缺少效益指标，补充后评分', reviewedTotal: null });
    // nothing to review yet: the head cannot submit it
    await expect(evaluations.submit(sheetId, '单位负责人')).rejects.toThrow(
      '未评分：缺少效益指标，补充后评分。请先在年终补充绩效指标，再提交评审',
    );
  });

  it('refuses a bad indicator field by field and stores nothing', async () => {
    const before = await evaluation();
    const count = await ds.getRepository(IndicatorEntity).countBy({ sheetId });
    const refused = await evaluations
      .addIndicator(sheetId, { level1: '效益', level2: '', name: '', target: '≥95%', actual: '很好' }, '填报人')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).details.map((d) => d.field)).toEqual(['level1', 'name']);
    const unit = await evaluations
      .addIndicator(
        sheetId,
        { level1: '效益指标', level2: '社会效益指标', name: '信访秩序', target: '≥95%', actual: '很好' },
        '填报人',
      )
      .catch((e: unknown) => e);
    expect((unit as DomainError).details).toEqual([
      { field: 'actual', message: expect.stringContaining('实际完成值“很好”') },
    ]);
    expect(await ds.getRepository(IndicatorEntity).countBy({ sheetId })).toBe(count);
    expect((await evaluation()).dataVersion).toBe(before.dataVersion);
  });

  it('adds the indicator with its actual in one audited transaction and grades the sheet again', async () => {
    const before = await evaluation();
    scoring.length = 0;
    await evaluations.addIndicator(
      sheetId,
      { level1: '效益指标', level2: '社会效益指标', name: '信访事项及时受理率', target: '≥95%', actual: '97%' },
      '填报人',
      before.dataVersion,
    );
    const added = await ds.getRepository(IndicatorEntity).findOneByOrFail({ sheetId, name: '信访事项及时受理率' });
    expect(added).toMatchObject({ targetKind: 'quantitative', targetOp: '>=', targetValue: '95', position: 2 });
    expect(await ds.getRepository(IndicatorValueEntity).findOneByOrFail({ indicatorId: added.id })).toMatchObject({
      valueRaw: '97%',
      valueNum: '97',
    });
    const ev = await evaluation();
    expect(ev).toMatchObject({ dataVersion: before.dataVersion + 1, scoreState: 'stale' });
    expect(scoring).toEqual([[ev.id, ev.dataVersion]]);
    expect(await auditRows(ds, ev.id, 'add-indicator')).toEqual([
      expect.objectContaining({
        actor: '填报人',
        field: '补充指标“信访事项及时受理率”',
        oldValue: null,
        newValue: '效益指标 / 社会效益指标，年度指标值 ≥95%，实际完成值 97%',
      }),
    ]);
    await runQueuedScoring();
    // 执行率 180/200 → 9; 产出 50, 效益 30, 满意度 10: 99.00 优
    expect(await evaluation()).toMatchObject({ total: '99.00', grade: '优' });
    expect((await evaluations.get(sheetId)).ungraded).toBeNull();
    // the same name twice under one 一级指标 is refused
    await expect(
      evaluations.addIndicator(
        sheetId,
        { level1: '效益指标', level2: '社会效益指标', name: '信访事项及时受理率', target: '≥95%', actual: '97%' },
        '填报人',
      ),
    ).rejects.toThrow('已有指标');
  });

  it('adds indicators to department sheets only', async () => {
    const project = await approvedSheet(ds, syntheticProject(77), now);
    await expect(
      evaluations.addIndicator(
        project.sheet.id,
        { level1: '效益指标', level2: '社会效益指标', name: 'x', target: '≥1次', actual: '1次' },
        '填报人',
      ),
    ).rejects.toThrow('只有部门整体支出自评可以在年终补充绩效指标');
  });
});
