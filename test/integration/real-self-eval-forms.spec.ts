import * as fs from 'node:fs';
import * as path from 'node:path';
import Decimal from 'decimal.js';
import type { SheetScore } from '@selfeval/domain';
import { scoreFile } from '../../apps/cli/src/commands/score.command';

/**
 * Every published 自评表 in test/fixtures/self-eval-forms is scored through the `selfeval score`
 * input path. Each published number (row 得分, 预算执行率得分, 总分) must either be reproduced by the
 * rules at the form's own precision or be flagged by the consistency review with a reason; the
 * README table of results must say what the engine says.
 */
const DIR = path.join(__dirname, '../fixtures/self-eval-forms');
const FILES = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

interface Form {
  source: string;
  province: string;
  transcription: 'complete' | 'excerpt';
  totals: string;
  kind?: string;
  indicators: { name: string; publishedScore?: string }[];
  published: { total?: string; executionScore?: string };
}
const read = (f: string): Form => JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8'));
const results = new Map<string, SheetScore>(FILES.map((f) => [f, scoreFile(path.join(DIR, f))]));
const score = (f: string) => results.get(f)!;

// Computed here from the printed strings, not taken from the engine's review.
const decimals = (v: string) => (/\.(\d+)$/.exec(v)?.[1].length ?? 0) as number;
const at = (v: string, places: number) => new Decimal(v).toDecimalPlaces(places, Decimal.ROUND_HALF_UP);

describe('the corpus of published 自评表', () => {
  it('holds at least 20 forms from at least 5 provinces, each with its public source', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(20);
    const provinces = new Set(FILES.map((f) => read(f).province).filter((p) => !p.startsWith('不详')));
    expect(provinces.size).toBeGreaterThanOrEqual(5);
    for (const f of FILES) {
      const form = read(f);
      expect(form.source).toMatch(/^https?:\/\/\S+$/);
      expect(['complete', 'excerpt']).toContain(form.transcription);
      expect(form.totals).toBe('form');
    }
  });
});

describe.each(FILES)('%s', (file) => {
  const form = read(file);
  const result = score(file);
  const published = form.indicators
    .map((ind, index) => ({ index, name: ind.name, printed: ind.publishedScore }))
    .filter((r): r is { index: number; name: string; printed: string } => r.printed !== undefined);
  const scored = new Map(result.indicators.map((s) => [s.index, s]));
  const precision = Math.max(
    0,
    ...published.filter((r) => scored.has(r.index)).map((r) => decimals(r.printed)),
    ...(form.published.executionScore !== undefined ? [decimals(form.published.executionScore)] : []),
  );

  it('is scored without refusing the table', () => {
    expect(result.errors).toEqual([]);
    expect(result.review?.precision ?? precision).toBe(precision);
  });

  it('reproduces each published row score at the form precision, or flags it with a reason', () => {
    for (const row of published) {
      const s = scored.get(row.index);
      if (!s) {
        // Not scored: a 其中 breakdown or a subtotal, shown and kept.
        expect(result.unscored.map((u) => u.index)).toContain(row.index);
        continue;
      }
      const check = result.review!.rows.find((r) => r.index === row.index)!;
      const rowFlags = result.flags.filter(
        (f) => f.indicator === row.index && f.code !== 'DEDUCTION_WITHOUT_EXPLANATION',
      );
      if (at(s.score, precision).eq(row.printed)) {
        expect(check.status).toBe('reproduced');
        expect(rowFlags.filter((f) => /SCORE_DIFFERS|TARGET_M/.test(f.code))).toEqual([]);
      } else {
        expect(check.status).toBe('flagged');
        expect(check.reasons.length).toBeGreaterThan(0);
        for (const reason of check.reasons) expect(rowFlags.map((f) => f.message)).toContain(reason);
      }
    }
  });

  it('reproduces the published execution score and total, or flags them with a reason', () => {
    const exec = form.published.executionScore;
    if (exec !== undefined) {
      const rule = result.execution?.score ?? '0';
      const check = result.review!.execution!;
      if (at(rule, precision).eq(exec)) expect(check.status).toBe('reproduced');
      else {
        expect(check.status).toBe('flagged');
        expect(result.flags.find((f) => f.code === 'EXECUTION_SCORE_WRONG')?.message).toBe(check.reasons[0]);
      }
    }
    const total = form.published.total;
    if (total !== undefined && result.gradable) {
      const check = result.review!.total!;
      if (at(result.totalExact!, Math.max(precision, decimals(total))).eq(total))
        expect(check.status).toBe('reproduced');
      else {
        expect(check.status).toBe('flagged');
        expect(check.reasons.length).toBeGreaterThan(0);
        for (const reason of check.reasons) expect(result.flags.map((f) => f.message)).toContain(reason);
      }
    }
  });
});

describe('what the printed forms teach the engine', () => {
  const flagsOf = (f: string, code: string) => score(f).flags.filter((x) => x.code === code);
  const row = (f: string, name: string) => score(f).indicators.find((i) => i.name === name)!;

  it('takes the form’s 分值 as the weights and flags a departure from the profile, naming the template', () => {
    const yongde = 'yunnan-yongde-mingliang-nutrition-2022.json';
    expect(score(yongde).buckets).toMatchObject({ output: { points: '40' }, satisfaction: { points: '20' } });
    expect(flagsOf(yongde, 'BUCKET_TOTALS_DIFFER')[0].message).toContain('产出 40、效益 30、满意度 20、预算执行 10');
    const zhongjiang = 'sichuan-zhongjiang-water-gauge-2022.json';
    expect(flagsOf(zhongjiang, 'POINTS_NOT_100')[0].message).toBe('表内分值合计 110，不是 100');
    const puhui = 'sichuan-inclusive-finance-2023.json';
    expect(score(puhui)).toMatchObject({ execution: null, total: '100.00' });
    expect(flagsOf(puhui, 'NO_EXECUTION_SCORE')).toHaveLength(1);
  });

  it('keeps 其中 rows and subtotal parents, never scoring them', () => {
    const hexi = score('anhui-xiaoxian-hexi-planting-2023.json');
    expect(hexi.unscored.filter((u) => u.role === 'breakdown').map((u) => u.name)).toHaveLength(7);
    expect(hexi.indicators.every((i) => !i.name.startsWith('其中'))).toBe(true);
    const longyang = score('yunnan-longyang-fertilizer-2021.json');
    expect(longyang.unscored.map((u) => [u.role, u.name])).toEqual([
      ['subtotal', '一、示范区建立'],
      ['subtotal', '二、化肥减量增效田间试验'],
    ]);
  });

  it('reads money as the form means it: 元 tables, and a 0 total with the money in its 其中 row', () => {
    const yongde = score('yunnan-yongde-mingliang-nutrition-2022.json');
    expect(yongde.execution!.explanation.inputs).toMatchObject({ 全年预算数: '38.766462', 执行率: '1' });
    const tangxi = 'anhui-guichi-tangxi-commission-2022.json';
    expect(score(tangxi).execution).toMatchObject({ rate: '100', score: '10' });
    expect(flagsOf(tangxi, 'BUDGET_FROM_LINES').map((f) => f.message)).toEqual([
      '年度资金总额的全年预算数为 0，按其中各行合计 89.974 万元读取',
      '年度资金总额的全年执行数为 0，按其中各行合计 89.974 万元读取',
    ]);
    expect(flagsOf(tangxi, 'EXECUTION_SCORE_WRONG')[0].message).toBe('预算执行率得分自评 0，按执行率 100% 应为 10.00');
  });

  it('reproduces scores published at the form’s own precision', () => {
    const phs = 'shanxi-jishan-public-health-2021.json';
    const check = (name: string) => score(phs).review!.rows.find((r) => r.name === name)!;
    // 2 × 97.3% = 1.946, printed 1.9; 2 × 203/214 = 1.897, printed 1.8 (rounds to 1.9).
    expect(check('指标8：适龄儿童疫苗接种率')).toMatchObject({ status: 'reproduced', ruleAtPrecision: '1.9' });
    expect(check('指标12：孕产妇7天访视数')).toMatchObject({ status: 'flagged', ruleAtPrecision: '1.9' });
    // 10 × 37.24 / 43.2 = 8.62, printed 9 on a form of whole numbers.
    expect(score('hebei-langfang-school-hvac-2019.json').review!.execution).toMatchObject({ status: 'reproduced' });
  });

  it('never gives silent full marks to an empty row, and does not refuse a table for a missing actual', () => {
    expect(flagsOf('hubei-guangshui-rural-roads-2021.json', 'TARGET_AND_ACTUAL_EMPTY')).toHaveLength(5);
    const qingshen = score('sichuan-qingshen-wages-2023.json');
    expect(qingshen.indicators.map((i) => [i.score, i.pendingReview])).toEqual([
      ['0', '缺少实际完成值'],
      ['0', '缺少实际完成值'],
    ]);
    expect(flagsOf('ningxia-yinchuan-middle-school-2021.json', 'TARGET_MISSING')).toHaveLength(7);
  });

  it('grades real grade words and dates, and flags a met target that lost points', () => {
    expect(row('anhui-guichi-tangxi-commission-2022.json', '经费支出合规性').score).toBe('8');
    expect(row('yunnan-linxiang-wildlife-shelter-2023.json', '项目完工时限').score).toBe('15');
    const flagged = flagsOf('yunnan-yongde-mingliang-nutrition-2022.json', 'TARGET_MET_BUT_DEDUCTED');
    expect(flagged.map((f) => f.message)).toEqual(['“资金到位及时率”已达到目标，却扣了 3 分']);
  });

  it('does not grade a department sheet without 效益 indicators, but still reviews its rows', () => {
    const jinzhai = score('anhui-jinzhai-village-center-dept-2023.json');
    expect(jinzhai).toMatchObject({ gradable: false, total: null, grade: null });
    expect(jinzhai.flags.map((f) => f.code)).toContain('DEPARTMENT_NOT_GRADABLE');
    expect(jinzhai.review!.rows.every((r) => r.status === 'reproduced')).toBe(true);
  });
});

describe('README table of results', () => {
  it('says for every form what the engine says', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const section = readme.split('<!-- self-eval-forms:start -->')[1]?.split('<!-- self-eval-forms:end -->')[0] ?? '';
    const rows = section
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => l.split('|').map((c) => c.trim()));
    expect(rows.map((r) => r[1].replace(/`/g, '') + '.json').sort()).toEqual(FILES);
    for (const r of rows) {
      const file = r[1].replace(/`/g, '') + '.json';
      const result = score(file);
      const reviewRows = result.review?.rows ?? [];
      expect([r[4], r[5], r[6], r[7]]).toEqual([
        result.total ?? '不评分',
        `${reviewRows.filter((x) => x.status === 'reproduced').length}/${reviewRows.length}`,
        result.review?.execution?.status === 'reproduced' ? '复现' : result.review?.execution ? '标记' : '—',
        result.review?.total?.status === 'reproduced' ? '复现' : result.review?.total ? '标记' : '—',
      ]);
    }
  });
});
