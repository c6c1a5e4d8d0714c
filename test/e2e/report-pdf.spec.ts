import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { freePort } from '@selfeval/jobs';
import { buildSelfEvalTableVM, PdfRenderer } from '@selfeval/reports';
import { scoreFile } from '../../apps/cli/src/commands/score.command';
import { chromiumRenderer, pdfFonts, pdfPages, pdfText, savePage1Png } from '../helpers/pdf';
import { alive, killTree } from '../helpers/processes';

const FIXTURE = path.join(__dirname, '../fixtures/score/guantao-weiwen.json');

describe('项目支出绩效自评表 PDF: Handlebars + Puppeteer on Debian Chromium', () => {
  const { renderer, templates } = chromiumRenderer({ pages: 2 });

  function vm(extraRows = 0) {
    const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    const score = scoreFile(FIXTURE);
    const model = buildSelfEvalTableVM({
      kind: 'project',
      year: 2024,
      unitName: '馆陶县信访局',
      parentName: '馆陶县信访局',
      projectName: '<script>alert(1)</script>信访维稳工作经费',
      projectCode: doc.project.code,
      budget: doc.budget,
      goal: '用于保障驻京信访维稳工作组经费支出，降低进京访量，维护社会和谐稳定。',
      goalActual: '全年驻京值班 9 人到位，未发生进京非访登记。',
      indicators: doc.indicators.map(
        (i: { level1: string; level2: string; name: string; target: string; actual: string }) => ({
          ...i,
          targetRaw: i.target,
          actualRaw: i.actual,
          explanation: null,
        }),
      ),
      score,
    });
    for (let k = 0; k < extraRows; k++)
      model.rows.push({ ...model.rows[k % 7], name: `${model.rows[k % 7].name}（续${k + 1}）` });
    return model;
  }

  it('renders Chinese text, scores and the escaped project name, with embedded TrueType fonts', async () => {
    const pdf = await renderer.render(templates.render('self-eval-table', vm()), { pageNumbers: true });
    const png = savePage1Png(pdf, 'project-self-eval');
    const text = pdfText(pdf);
    expect(text).toContain('2024年度项目支出绩效自评表');
    expect(text).toContain('馆陶县信访局');
    expect(text).toContain('值班人员到位率');
    expect(text).toContain('<script>alert(1)</script>信访维稳工作经费');
    expect(text).toMatch(/总分\s+100\.00\s+98\.95\s+自评等级：优/);
    expect(text).toMatch(/40\.00\s+40\.00\s+36\.80\s+10\.00\s+92\.00%\s+9\.20/);
    expect(text).toContain('第 1 页 共 1 页');
    const fonts = pdfFonts(pdf);
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.filter((f) => f.type === 'Type 3')).toEqual([]);
    expect(fonts.every((f) => f.embedded)).toBe(true);
    expect(fonts.map((f) => f.type)).toContain('CID TrueType');
    expect(fs.statSync(png).size).toBeGreaterThan(10_000);
  });

  it('repeats the table header on every page and numbers the pages', async () => {
    const pdf = await renderer.render(templates.render('self-eval-table', vm(60)), { pageNumbers: true });
    const pages = pdfPages(pdf);
    expect(pages).toBeGreaterThanOrEqual(2);
    for (let p = 1; p <= pages; p++) {
      const text = pdfText(pdf, p);
      expect(text).toContain('偏差原因分析及改进措施');
      expect(text).toContain(`第 ${p} 页 共 ${pages} 页`);
    }
  });

  it('loads nothing from the network and runs no JavaScript', async () => {
    let hits = 0;
    const server = http.createServer((_, res) => {
      hits++;
      res.end('x');
    });
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    try {
      const html = `<!DOCTYPE html><html><head><link rel="stylesheet" href="http://127.0.0.1:${port}/a.css"></head>
        <body><p id="p">静态内容</p><img src="http://127.0.0.1:${port}/b.png"><iframe src="http://127.0.0.1:${port}/c"></iframe>
        <script>document.getElementById('p').textContent = 'JS RAN'; fetch('http://127.0.0.1:${port}/d');</script></body></html>`;
      const pdf = await renderer.render(html);
      expect(hits).toBe(0);
      expect(renderer.blockedRequests).toEqual(
        expect.arrayContaining([`http://127.0.0.1:${port}/a.css`, `http://127.0.0.1:${port}/b.png`]),
      );
      const text = pdfText(pdf);
      expect(text).toContain('静态内容');
      expect(text).not.toContain('JS RAN');
    } finally {
      server.close();
    }
  });

  it('replaces its browser after N renders without leaving the old one running', async () => {
    const short = new PdfRenderer({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      pages: 2,
      maxRendersPerBrowser: 3,
    });
    const pids = new Set<number>();
    try {
      // two lanes always in flight, as in the worker: the browser is retired while a page still renders
      await Promise.all(
        [0, 1].map(async (lane) => {
          for (let k = 0; k < 6; k++) {
            const n = lane * 100 + k;
            expect(pdfText(await short.render(`<p>第${n}份</p>`))).toContain(`第${n}份`);
            pids.add((await short.browserPid())!);
          }
        }),
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(pids.size).toBeGreaterThanOrEqual(3);
      expect(short.openBrowsers()).toBe(1);
      const current = await short.browserPid();
      for (const pid of pids) if (pid !== current) expect({ pid, alive: alive(pid) }).toEqual({ pid, alive: false });
    } finally {
      await short.close();
    }
  });

  it('relaunches the browser after it was killed', async () => {
    const before = await renderer.browserPid();
    expect(before).toBeDefined();
    await killTree(before!); // resolves once it is gone
    const pdf = await renderer.render('<p>重启后</p>');
    expect(pdfText(pdf)).toContain('重启后');
    expect(await renderer.browserPid()).not.toBe(before);
  });
});
