import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers/config';

const ROOT = path.join(__dirname, '../..');
const run = (file: string) =>
  spawnSync(process.execPath, [path.join(ROOT, 'bin/selfeval.js'), 'score', file], {
    encoding: 'utf8',
    // no database and no Redis: both point nowhere
    env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', REDIS_URL: 'redis://127.0.0.1:1' },
  });

describe('selfeval score (compiled CLI, no database or Redis)', () => {
  it('scores the 馆陶 信访维稳工作经费 fixture and reviews its published self-scores', () => {
    const r = run(path.join(__dirname, '../fixtures/score/guantao-weiwen.json'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.profile).toEqual({ id: 'national-2020', version: 1 });
    expect(out.execution).toMatchObject({ rate: '92', weight: '10', score: '9.2', needsExplanation: false });
    expect(out.indicators.map((i: { weight: string; score: string }) => [i.weight, i.score])).toEqual([
      ['12.5', '12.5'],
      ['12.5', '12.25'],
      ['12.5', '12.5'],
      ['12.5', '12.5'],
      ['15', '15'],
      ['15', '15'],
      ['10', '10'],
    ]);
    expect(out.indicators[1]).toMatchObject({ completionRate: '98', needsExplanation: true });
    expect(out.indicators[1].draft).toBe(
      '值班人员到位率年度指标值100%，实际完成98%，完成率98%，扣0.25分。分季度累计完成情况：一季度100%、二季度99%、三季度98%、四季度98%。偏差原因：人员保障方面，两名值班人员因病轮换。改进措施：合理调配工作力量，加强业务培训，由人事股负责于下一年度一季度内落实到岗。',
    );
    expect(out.indicators[3].explanation.adjustments).toEqual(['单位换算：368000元 = 36.8万元']);
    expect(out).toMatchObject({ total: '98.95', grade: '优' });
    expect(out.flags.map((f: { code: string }) => f.code)).toEqual(['TARGET_MISSED_FULL_MARKS', 'TOTAL_MISMATCH']);
  });

  it('scores a 时效 row whose target is a deadline by the date it was done', () => {
    const file = path.join(tempDir(), 'deadline.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        budget: { adjusted: '10', spent: '10' },
        indicators: [
          { level1: '产出指标', level2: '时效指标', name: '资金拨付时间', target: '10月底前', actual: '2025年11月5日' },
          { level1: '产出指标', level2: '数量指标', name: '培训次数', target: '≥3次', actual: '3次' },
        ],
      }),
    );
    const r = run(file);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.indicators[0]).toMatchObject({ score: '0', reasons: ['未在期限内完成'] });
    expect(out.indicators[0].explanation.adjustments[0]).toContain('晚于期限10月31日');
    expect(out.indicators[0].draft).toContain('年度指标值完成时限为10月31日');
  });

  it("scores a published 自评表 as printed: the form's 分值, 元 amounts and the review at the form precision", () => {
    const r = run(path.join(__dirname, '../fixtures/self-eval-forms/yunnan-yongde-mingliang-nutrition-2022.json'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ total: '99.80', grade: '优', gradable: true });
    expect(out.execution.explanation.inputs['全年预算数']).toBe('38.766462');
    expect(out.review.total).toMatchObject({ published: '96', status: 'flagged' });
    expect(out.flags.map((f: { code: string }) => f.code)).toContain('BUCKET_TOTALS_DIFFER');
  });

  it('prints a Chinese error naming the field and exits 2 on bad input', () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(
      bad,
      JSON.stringify({
        budget: { adjusted: '0', spent: '1' },
        indicators: [{ level1: '产出指标', level2: '数量指标', name: '次数', target: '≥3次', actual: '2次' }],
      }),
    );
    const r = run(bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('budget.adjusted：全年预算数 0 万元应大于 0');
    const word = path.join(dir, 'word.json');
    fs.writeFileSync(
      word,
      JSON.stringify({
        totals: 'form',
        budget: { adjusted: '10', spent: '10' },
        indicators: [
          {
            level1: '效益指标',
            level2: '社会效益指标',
            name: '群众评价',
            target: '提升',
            actual: '较好',
            weight: '90',
          },
        ],
      }),
    );
    const w = run(word);
    expect(w.status).toBe(2);
    expect(w.stderr).toContain('indicators[0].grade：第 1 行“群众评价”的评价“较好”无法识别');
    expect(w.stderr).toContain('达成预期指标、');
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, '{ not json');
    const b = run(broken);
    expect(b.status).toBe(2);
    expect(b.stderr).toContain('不是有效的 JSON');
  });
});
