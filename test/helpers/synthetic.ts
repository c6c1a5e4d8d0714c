import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PeriodsService, QuarterReportsService } from '@selfeval/actuals';
import { SelfEvaluationEntity, TargetSheetEntity } from '@selfeval/db';
import { parseTarget, TargetSheet } from '@selfeval/domain';
import { TargetsService } from '@selfeval/targets';

const DAY = 86_400_000;

/** A small project sheet of unit 900 (故障测试单位), for tests that need many sheets. */
export function syntheticProject(i: number): TargetSheet {
  const ind = (level1: string, level2: string, name: string, raw: string, cost = false) => ({
    level1,
    level2,
    name,
    target: parseTarget(raw, { cost }).targets[0],
  });
  return {
    kind: 'project',
    year: 2026,
    unit: { code: '900', name: '故障测试单位' },
    project: { code: null, name: `项目${String(i).padStart(4, '0')}` },
    budget: { total: '10' },
    spendingPlan: [],
    goal: '完成年度任务',
    attributes: {},
    warnings: [],
    indicators: [
      ind('产出指标', '数量指标', '接访次数', '≥10次'),
      ind('产出指标', '质量指标', '办结率', '≥90%'),
      ind('产出指标', '成本指标', '经费', '≤10万元', true),
      ind('效益指标', '社会效益指标', '稳定率', '≥95%'),
      ind('满意度指标', '服务对象满意度指标', '满意度', '≥90%'),
    ],
  };
}

/** Year-end values for a synthetic sheet's indicators (one falls short: 88 % of 90 %). */
export function syntheticValues(indicators: { id: string; position: number }[]) {
  return [...indicators]
    .sort((a, b) => a.position - b.position)
    .map((i, k) => ({ indicatorId: i.id, value: ['10次', '88%', '9万元', '95%', '92%'][k] }));
}

/**
 * `n` synthetic sheets imported, approved and given a Q4 draft, for the fault tests' large batches:
 * through the services (thousands of HTTP round trips would only slow the setup down).
 */
export async function seedSyntheticYearEnd(app: INestApplicationContext, n: number): Promise<void> {
  const targets = app.get(TargetsService);
  await targets.importResult(
    { sheets: Array.from({ length: n }, (_, i) => syntheticProject(i)), warnings: [] },
    { name: 'synthetic', hash: 'synthetic' },
  );
  const reports = app.get(QuarterReportsService);
  await app.get(PeriodsService).setPeriod(2026, 'Q4', new Date(Date.now() - DAY), new Date(Date.now() + DAY), 'test');
  const sheets = await app
    .get(DataSource)
    .getRepository(TargetSheetEntity)
    .find({ relations: { indicators: true } });
  for (const s of sheets) {
    await targets.approve(s.id, 'test');
    const values = syntheticValues(s.indicators!);
    await reports.saveDraft(s.id, 'Q4', { spending: [{ source: '财政拨款', amount: '9.5' }], values }, 'test');
  }
}

/** Evaluations whose scores belong to their current data version. */
export const countScored = (ds: DataSource) =>
  ds
    .getRepository(SelfEvaluationEntity)
    .createQueryBuilder('e')
    .where('e.scored_version = e.data_version')
    .andWhere("e.score_state = 'scored'")
    .getCount();
