import { buildDepartmentReportVM, buildSelfEvalTableVM } from '@selfeval/reports';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DEPARTMENT_REPORT_SAMPLE,
  DEPARTMENT_SAMPLE,
  LONG_GROUP_SAMPLE,
  PROJECT_SAMPLE,
} from '../fixtures/reports/samples';
import { tempDir } from '../helpers/config';
import { chromiumRenderer, pdfFonts, pdfText } from '../helpers/pdf';

/** The PDFs read back with poppler against the points of the official forms (issue 15). */
function poppler(pdf: Buffer, tool: string, args: string[]): string {
  const file = path.join(tempDir('forms-'), 'doc.pdf');
  fs.writeFileSync(file, pdf);
  return execFileSync(tool, [...args, file], { encoding: 'utf8' });
}
const oneLine = (text: string) => text.replace(/\s+/g, ' ');
/** text of cells that wrap, read without the line breaks of the layout */
const compact = (text: string) => text.replace(/\s+/g, '');

describe('自评表 and 自评报告 PDFs against the official forms', () => {
  const { renderer, templates } = chromiumRenderer();

  it('项目支出绩效自评表: title once, every fund row, units, upright ≥ ≤, signature block, unit as author', async () => {
    const pdf = await renderer.render(templates.render('self-eval-table', buildSelfEvalTableVM(PROJECT_SAMPLE)), {
      pageNumbers: true,
    });
    const text = pdfText(pdf);
    expect(text.match(/2026年度/g)).toHaveLength(1);
    expect(text).not.toContain('（2026年度）');
    expect(text).toContain('单位：万元');
    expect(oneLine(text)).toMatch(/年度资金总额 60\.00 64\.00 58\.60 10\.00 91\.56% 9\.16/);
    expect(oneLine(text)).toMatch(/其中：当年财政拨款 50\.00 54\.00 49\.60 — — —/);
    expect(oneLine(text)).toMatch(/上年结转资金 10\.00 10\.00 9\.00 — — —/);
    expect(oneLine(text)).toMatch(/其他资金 0\.00 0\.00 0\.00 — — —/);
    expect(oneLine(text)).toMatch(/≥70人 62人 10\.00 5\.50/);
    expect(text).toContain('≤60万元');
    expect(text).not.toMatch(/[⩾⩽]/);
    expect(compact(text)).toContain('扣4.50分'); // the reviewer's 5.50 of 10
    expect(compact(text)).toContain('评审意见：劝返人数以驻点台账');
    for (const label of ['产出指标', '效益指标', '满意度指标']) expect(text).toContain(label); // never cut as 产出指/标
    for (const field of [
      '填报单位（盖章）：沅江市信访局',
      '单位负责人：李明',
      '填表人：王芳',
      '联系电话：0737-2221234',
      '填报日期：2027年1月15日',
    ])
      expect(text).toContain(field);
    expect(text).not.toMatch(/评分方案|national-2020|第 \d+ 版/);
    // ≥ ≤ come from DejaVu Serif, embedded as TrueType like the Chinese fonts (never Type 3)
    const fonts = pdfFonts(pdf);
    expect(fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, ''))).toContain('DejaVuSerif');
    expect(fonts.every((f) => f.embedded && f.type === 'CID TrueType')).toBe(true);
    const info = poppler(pdf, 'pdfinfo', []);
    expect(info).toMatch(/Title:\s+2026年度项目支出绩效自评表/);
    expect(info).toMatch(/Author:\s+沅江市信访局/);
  });

  it('a merged 一级指标 taller than the rest of a page runs on to the next page instead of leaving page 1 empty', async () => {
    const vm = buildSelfEvalTableVM(LONG_GROUP_SAMPLE);
    expect(vm.rows[0].level1Span).toBe(9);
    const pdf = await renderer.render(templates.render('self-eval-table', vm), { pageNumbers: true });
    const page1 = oneLine(pdfText(pdf, 1));
    expect(page1).toContain('偏差原因分析及改进措施'); // the indicator table starts on page 1 …
    expect(compact(page1)).toContain('第1项：解决特殊疑难信访问题'); // … with its first rows
    expect(compact(pdfText(pdf))).toContain('群众满意度');
  });

  it('部门整体支出绩效自评表: both groups of fund rows and the 执行率 above 100 % explained', async () => {
    const pdf = await renderer.render(templates.render('self-eval-table', buildSelfEvalTableVM(DEPARTMENT_SAMPLE)));
    const text = oneLine(pdfText(pdf));
    expect(text).toMatch(/年度资金总额 200\.24 210\.50 213\.20 10\.00 101\.28% 10\.00/);
    expect(text).toMatch(/按收入性质分： 一般公共预算 200\.24 210\.50 213\.20 — — —/);
    for (const row of ['政府性基金', '财政专户管理资金', '单位资金'])
      expect(text).toMatch(new RegExp(`${row} 0\\.00 0\\.00 0\\.00 — — —`));
    expect(text).toMatch(/按支出性质分： 基本支出 119\.92 — — —/);
    expect(text).toMatch(/项目支出 80\.32 — — —/);
    expect(text).toContain('预算执行情况说明');
    expect(compact(text)).toContain('全年执行数超过全年预算数，执行率101.28%，按评分规则');
    expect(compact(text)).toContain('经局党组研究由单位资金列支');
  });

  it('自评报告: money that agrees, the unit profile, no internal identifiers, bookmarks for its sections', async () => {
    const vm = buildDepartmentReportVM(DEPARTMENT_REPORT_SAMPLE);
    const pdf = await renderer.render(templates.render('department-report', vm), { pageNumbers: true });
    const text = oneLine(pdfText(pdf));
    expect(text).toContain('项目支出 80.32 万元');
    expect(text).toMatch(/项目支出合计 80\.32 84\.32 76\.70 90\.96%/);
    expect(compact(text)).toContain('信访信息化建设项目20.3220.3218.1089.07%（未单独自评）');
    expect(text).toContain('（一）部门职能：处理人民群众来信');
    expect(text).toContain('（三）人员情况：核定行政编制 15 名');
    expect(text).not.toMatch(/报告提纲|hunan-2020|湖南式|national-2020|第 \d+ 版|目标表 1 张/);
    const outline = poppler(pdf, 'pdftohtml', ['-xml', '-i', '-stdout']);
    const items = [...outline.matchAll(/<item page="\d+">([^<]+)<\/item>/g)].map((m) => m[1]);
    expect(items).toEqual([
      vm.title,
      ...vm.sections.map((s) => s.title),
      '附件1：2026年度部门整体支出绩效自评表',
      '附件2：2026年度项目支出绩效自评表（信访维稳专项工作经费）',
    ]);
    const info = poppler(pdf, 'pdfinfo', []);
    expect(info).toMatch(/Title:\s+沅江市信访局2026年度部门整体支出绩效自评报告/);
    expect(info).toMatch(/Author:\s+沅江市信访局/);
  });
});
