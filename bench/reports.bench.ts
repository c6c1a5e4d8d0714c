/**
 * Issue 6 figures, run by hand (`npm run bench bench/reports.bench.ts`), all on Debian's Chromium:
 * 1. N (default 500) project 自评表 PDFs, same template and data, three ways:
 *    selfeval's PdfRenderer (one browser, 2 reused pages) · a browser launched per PDF · jsreport
 *    (handlebars + chrome-pdf, chrome-pool with 2 workers); 2 renders in flight for each.
 * 2. Peak memory (this process + every Chromium process under it) of the PdfRenderer over
 *    MEMORY_N (default 1000) reports, by window of 100.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import puppeteer from 'puppeteer-core';
import {
  buildSelfEvalTableVM,
  chromiumLaunchOptions,
  PdfRenderer,
  TemplateRegistry,
  templatesDir,
} from '../libs/reports/src';
import { scoreSheet, parseTarget, ScoringIndicatorInput } from '../libs/domain/src';

const N = Number(process.env.BENCH_N ?? 500);
const MEMORY_N = Number(process.env.MEMORY_N ?? 1000);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IN_FLIGHT = 2;
const FOOTER = `<div style="width:100%;text-align:center;font-family:'AR PL UMing CN',serif;font-size:9pt;">第 <span class="pageNumber"></span> 页 共 <span class="totalPages"></span> 页</div>`;

const ROWS: [string, string, string, string, string][] = [
  ['产出指标', '数量指标', '维稳值班人数', '9人', '9人'],
  ['产出指标', '质量指标', '值班人员到位率', '100%', '98%'],
  ['产出指标', '时效指标', '及时接劝返', '≤1天', '1天'],
  ['产出指标', '成本指标', '维稳值班资金', '≤40万元', '368000元'],
  ['效益指标', '社会效益指标', '维护社会和谐稳定', '100%', '100%'],
  ['效益指标', '可持续影响指标', '降低进京访量', '100%', '100%'],
  ['满意度指标', '服务对象满意度指标', '信访群众满意度', '≥95%', '96%'],
];

function viewModel(i: number) {
  const indicators: ScoringIndicatorInput[] = ROWS.map(([level1, level2, name, target, actual]) => ({
    level1,
    level2,
    name,
    target: parseTarget(target, { cost: level2 === '成本指标' }).targets[0],
    actual,
  }));
  const score = scoreSheet({
    budget: { adjusted: '40', spent: String(30 + (i % 10)) },
    executionExplanation: '年底集中支付',
    indicators,
  });
  return buildSelfEvalTableVM({
    kind: 'project',
    year: 2024,
    unitName: `测试县信访局${i}`,
    parentName: '测试县人民政府',
    projectName: `信访维稳工作经费（${i}）`,
    projectCode: '13043324P00007710001N',
    budget: { initial: '40', adjusted: '40', spent: String(30 + (i % 10)) },
    goal: '保障驻京信访维稳工作组经费支出，维护社会和谐稳定。',
    goalActual: '全年目标基本完成。',
    indicators: ROWS.map(([level1, level2, name, target, actual]) => ({
      level1,
      level2,
      name,
      targetRaw: target,
      actualRaw: actual,
      explanation: null,
    })),
    score,
  });
}

async function inFlight(n: number, fn: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

async function timed(label: string, n: number, fn: (i: number) => Promise<Buffer | Uint8Array>) {
  const t0 = Date.now();
  let bytes = 0;
  await inFlight(n, async (i) => (bytes += (await fn(i)).length));
  const s = (Date.now() - t0) / 1000;
  console.log(
    `${label.padEnd(34)} ${n} PDFs in ${s.toFixed(1)} s = ${(n / s).toFixed(2)} PDFs/s (avg ${(bytes / n / 1024).toFixed(0)} KB)`,
  );
  return n / s;
}

/**
 * Memory in MB of this process and all its descendants (Chromium's processes, jsreport's workers),
 * as PSS: Chromium's processes share most pages, and summing their RSS would count them many times.
 */
function treeMemory(): { mb: number; processes: number } {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of rows) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let kb = 0;
  let processes = 0;
  const stack = [process.pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      kb += Number(/^Pss:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
      processes++;
    } catch {
      // exited meanwhile
    }
    stack.push(...(children.get(p) ?? []));
  }
  return { mb: kb / 1024, processes };
}

async function main() {
  const templates = new TemplateRegistry();
  const html = (i: number) => templates.render('self-eval-table', viewModel(i));
  const pdfOptions = {
    format: 'A4' as const,
    printBackground: true,
    preferCSSPageSize: true,
    displayHeaderFooter: true,
    headerTemplate: '<div></div>',
    footerTemplate: FOOTER,
  };
  console.log(
    `Chromium: ${execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim()}; ${IN_FLIGHT} renders in flight; node ${process.version}`,
  );

  // memory: PdfRenderer over MEMORY_N renders (relaunches its browser every 500 renders by default)
  const mem = new PdfRenderer({ executablePath: CHROMIUM, pages: 2, timeoutMs: 60_000 });
  console.log(`before: ${treeMemory().mb.toFixed(0)} MB in ${treeMemory().processes} processes`);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, treeMemory().mb)), 100);
  const windows: string[] = [];
  for (let start = 0; start < MEMORY_N; start += 100) {
    peak = 0;
    await inFlight(100, (i) => mem.render(html(start + i), { pageNumbers: true }));
    peak = Math.max(peak, treeMemory().mb);
    windows.push(`${start + 100}: ${peak.toFixed(0)} MB`);
  }
  clearInterval(sampler);
  await mem.close();
  console.log(`peak PSS (node + Chromium) by report: ${windows.join(' · ')}`);

  // warm-up so each contender starts with fonts in the page cache
  const pool = new PdfRenderer({ executablePath: CHROMIUM, pages: 2, timeoutMs: 60_000 });
  await pool.render(html(0), { pageNumbers: true });
  const ours = await timed('selfeval PdfRenderer (2 pages)', N, (i) => pool.render(html(i), { pageNumbers: true }));
  await pool.close();

  const perPdf = await timed('browser launched per PDF', Number(process.env.PER_PDF_N ?? N), async (i) => {
    const browser = await puppeteer.launch(chromiumLaunchOptions(CHROMIUM));
    try {
      const page = await browser.newPage();
      await page.setJavaScriptEnabled(false);
      await page.setContent(html(i), { waitUntil: 'load' });
      return await page.pdf(pdfOptions);
    } finally {
      await browser.close();
    }
  });

  // jsreport renders the same Handlebars template (partials inlined, the stylesheet as data) on the same Chromium
  const dir = templatesDir('report');
  let source = fs.readFileSync(path.join(dir, 'self-eval-table.hbs'), 'utf8');
  for (let k = 0; k < 3; k++) {
    source = source.replace(/\{\{>\s*([\w-]+)\s*\}\}/g, (_, name: string) =>
      fs.readFileSync(path.join(dir, 'partials', `${name}.hbs`), 'utf8'),
    );
  }
  source = source.replace('{{css}}', '{{{css}}}');
  const css = fs.readFileSync(path.join(dir, 'report.css'), 'utf8');
  // jsreport runs in a plain Node child process, as its users run it (its default sandbox refuses ts-node's process)
  const template = {
    content: source,
    engine: 'handlebars',
    recipe: 'chrome-pdf',
    chrome: {
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<div></div>',
      footerTemplate: FOOTER,
    },
  };
  const jobFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jsreport-')), 'job.json');
  fs.writeFileSync(
    jobFile,
    JSON.stringify({
      template,
      models: Array.from({ length: N }, (_, i) => ({ ...viewModel(i), css })),
      inFlight: IN_FLIGHT,
      chromium: CHROMIUM,
      args: chromiumLaunchOptions(CHROMIUM).args,
    }),
  );
  const out = execFileSync(process.execPath, [path.join(__dirname, 'lib/jsreport-run.js'), jobFile], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const jr = JSON.parse(out.trim().split('\n').pop()!) as { pdfs: number; seconds: number; bytes: number };
  const theirs = jr.pdfs / jr.seconds;
  console.log(
    `${'jsreport 4 (own process, chrome-pool 2)'.padEnd(34)} ${jr.pdfs} PDFs in ${jr.seconds.toFixed(1)} s = ${theirs.toFixed(2)} PDFs/s (avg ${(jr.bytes / jr.pdfs / 1024).toFixed(0)} KB)`,
  );

  console.log(
    `\nselfeval vs jsreport: ${(ours / theirs).toFixed(2)}×; vs browser per PDF: ${(ours / perPdf).toFixed(2)}×`,
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
