import * as fs from 'node:fs';
import * as path from 'node:path';
import { SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { PeriodsService, QuarterReportsService } from '@selfeval/actuals';
import type { AppConfig } from '@selfeval/config';
import {
  ContentStore,
  REPORT_STORE,
  MailDeliveryEntity,
  QuarterReportEntity,
  ReportFileEntity,
  SelfEvaluationEntity,
  TargetSheetEntity,
  UnitEntity,
} from '@selfeval/db';
import {
  D,
  PERIODS,
  plausibleQuarters,
  ReportKind,
  reportKindsFor,
  seededRandom,
  sheetLabel,
  ungradedReason,
} from '@selfeval/domain';
import { EvaluationService, QuarterSubmission } from '@selfeval/evaluation';
import { EmbeddedRedis, hasExternalRedis, JobProducer, requestRender } from '@selfeval/jobs';
import { importFiles, indicatorTarget, parseFiles, TargetsService } from '@selfeval/targets';
import { createApi } from '../../../api/src/create-api';
import { createWorker } from '../../../worker/src/create-worker';
import { seedsDir } from './first-start';

export interface DemoOptions {
  out: string;
  seed: string;
  seedsDir?: string;
  /** quiet: no progress bar (tests) */
  quiet?: boolean;
}

export interface DemoRow {
  unit: string;
  sheet: string;
  rate: string;
  score: string;
  grade: string;
  files: string[];
}

const DAY = 86_400_000;
const ACTOR = 'selfeval-demo';
const NO_BUDGET_AMOUNT = '50';

/**
 * `selfeval demo`: the whole year on the embedded default, in a fresh data directory of its own
 * (DATA_DIR/demo): the five seed documents imported and approved, four quarters of generated
 * actuals per sheet (fixed seed), scoring, rendering and mailing through the real queues and a
 * real worker. Every PDF lands in --out; mail goes to SMTP_URL, else .eml files under DATA_DIR/demo/outbox.
 */
export async function runDemo(
  base: AppConfig,
  opts: DemoOptions,
): Promise<{ rows: DemoRow[]; mails: number; outbox?: string }> {
  const dataDir = path.join(base.dataDir, 'demo');
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  let config: AppConfig = {
    ...base,
    dataDir,
    database:
      base.database.driver === 'sqlite'
        ? { driver: 'sqlite', file: path.join(dataDir, 'selfeval.sqlite') }
        : base.database,
    mail: { ...base.mail, outboxDir: path.join(dataDir, 'outbox') },
    logLevel: 'warn',
  };
  let redis: EmbeddedRedis | undefined;
  if (!hasExternalRedis(config)) {
    redis = new EmbeddedRedis({ dataDir, bin: config.redisServerBin });
    config = { ...config, redisUrl: await redis.start() };
  }
  let app: INestApplicationContext | undefined;
  let worker: INestApplicationContext | undefined;
  const bar = opts.quiet
    ? null
    : new SingleBar({
        format: ' {bar} {percentage}% | {value}/{total} | {stage}',
        barCompleteChar: '█',
        barIncompleteChar: '░',
        hideCursor: true,
      });
  try {
    app = await createApi(config);
    await app.init();
    worker = await createWorker(config);
    const ds = app.get(DataSource);
    const targets = app.get(TargetsService);
    const periods = app.get(PeriodsService);
    const reports = app.get(QuarterReportsService);
    const submission = app.get(QuarterSubmission);
    const evaluations = app.get(EvaluationService);
    const jobs = app.get(JobProducer);

    // 1. targets
    const dir = opts.seedsDir ?? seedsDir();
    const docs = fs
      .readdirSync(dir)
      .sort()
      .map((f) => ({ name: f, bytes: fs.readFileSync(path.join(dir, f)) }));
    await importFiles(targets, await parseFiles(docs), { dryRun: false });
    const sheets = await ds
      .getRepository(TargetSheetEntity)
      .find({ where: { status: 'draft' }, order: { year: 'ASC', name: 'ASC' } });
    for (const unit of await ds.getRepository(UnitEntity).find())
      await targets.setContactEmail(
        unit.code,
        `unit-${unit.code.replace(/[^A-Za-z0-9]/g, '') || 'x'}@demo.selfeval.invalid`,
      );
    for (const s of sheets) await targets.approve(s.id, ACTOR);
    const years = [...new Set(sheets.map((s) => s.year))];
    for (const y of years)
      for (const p of PERIODS)
        await periods.setPeriod(y, p, new Date(Date.now() - DAY), new Date(Date.now() + 30 * DAY), ACTOR);

    // 2. four quarters per sheet: save, submit (monitoring jobs), confirm; Q4 starts scoring
    const steps = sheets.length * 4;
    bar?.start(steps + sheets.length * 2, 0, { stage: '填报季度数据' });
    for (const sheet of sheets) {
      const full = await targets.getSheet(sheet.id);
      // a sheet published without money gets its budget as an adjustment (as a unit would report it)
      const budget = sheet.budgetTotal && Number(sheet.budgetTotal) > 0 ? sheet.budgetTotal : null;
      const added = budget ? null : missingBudget(sheet, sheets);
      const quarters = plausibleQuarters(
        seededRandom(`${opts.seed}:${sheet.sheetKey}:${sheet.year}`),
        budget ?? added?.amount ?? NO_BUDGET_AMOUNT,
        sheet.spendingPlan,
        full.indicators.map((i) => ({ id: i.id, target: indicatorTarget(i) })),
      );
      for (const p of PERIODS) {
        if (added) quarters[p].adjustments = [added];
        await reports.saveDraft(sheet.id, p, quarters[p], ACTOR);
        // through the workflow rule: the Q4 submission starts scoring, as in the API
        await submission.submit(sheet.id, p, ACTOR);
        await reports.confirm(sheet.id, p, `${ACTOR}-head`);
        bar?.increment();
      }
      await evaluations.setReportTexts(sheet.id, { goalActual: '年度目标总体完成，具体见各项指标实际完成值。' });
    }

    // 3. scores
    bar?.update({ stage: '等待打分' });
    const evs = await waitForScores(
      ds,
      sheets.map((s) => s.id),
    );
    bar?.increment(sheets.length);

    // 4. documents through the render queue (each then mails itself)
    bar?.update({ stage: '生成 PDF 并发送邮件' });
    const renders: { sheet: TargetSheetEntity; kind: ReportKind; subjectId: string; dataVersion: number }[] = [];
    for (const sheet of sheets) {
      const ev = evs.get(sheet.id);
      if (!ev) throw new Error(`“${sheet.name}”没有自评结果`);
      for (const kind of reportKindsFor(sheet.kind))
        renders.push({ sheet, kind, subjectId: ev.id, dataVersion: ev.dataVersion });
      const q2 = await ds.getRepository(QuarterReportEntity).findOneByOrFail({ sheetId: sheet.id, period: 'Q2' });
      renders.push({ sheet, kind: 'monitoring-table', subjectId: q2.id, dataVersion: q2.dataVersion });
    }
    bar?.setTotal(steps + sheets.length + renders.length);
    const fileIds = new Map<string, string[]>();
    // a few at a time: each wait holds a QueueEvents connection, and the worker renders two at once anyway
    await eachConcurrently(renders, 4, async (r) => {
      const { result } = await requestRender(
        jobs,
        { kind: r.kind, subjectId: r.subjectId, dataVersion: r.dataVersion, mail: true },
        180_000,
      );
      if (typeof result === 'object')
        fileIds.set(r.sheet.id, [...(fileIds.get(r.sheet.id) ?? []), result.reportFileId]);
      bar?.increment();
    });

    // 5. files into --out, mails counted once the mail jobs have run
    fs.mkdirSync(opts.out, { recursive: true });
    const store = app.get<ContentStore>(REPORT_STORE);
    const allIds = [...fileIds.values()].flat();
    const files = new Map((await ds.getRepository(ReportFileEntity).findBy({ id: In(allIds) })).map((f) => [f.id, f]));
    for (const f of files.values()) fs.writeFileSync(path.join(opts.out, f.fileName), store.read(f.sha256));
    const mails = await waitForMails(ds, allIds.length);
    bar?.update({ stage: '完成' });
    bar?.stop();

    const units = new Map((await ds.getRepository(UnitEntity).find()).map((u) => [u.id, u]));
    const rows = sheets.map((s) => {
      const ev = evs.get(s.id);
      const rate = ev?.result?.execution?.rate;
      return {
        unit: units.get(s.unitId)?.name ?? '',
        sheet: sheetLabel(s),
        rate: rate ? `${Number(rate).toFixed(2)}%` : '—',
        score: ev?.total ?? '—',
        // a department sheet without 产出/效益 indicators is not graded until the unit adds them
        grade: ev?.grade ?? (ev?.scoreError ? '打分失败' : ev?.result && ungradedReason(ev.result) ? '未评分' : '—'),
        files: (fileIds.get(s.id) ?? []).flatMap((id) => files.get(id)?.fileName ?? []),
      };
    });
    return { rows, mails, outbox: config.mail.smtpUrl ? undefined : config.mail.outboxDir };
  } finally {
    bar?.stop();
    await worker?.close();
    await app?.close();
    await redis?.stop();
  }
}

/**
 * The budget a sheet published without money is given in the demo: a department sheet's whole spending
 * holds its projects', so it is their sum (魏县: 424.00, not a figure beside them that cannot be); else 50.
 */
export function missingBudget(
  sheet: Pick<TargetSheetEntity, 'kind' | 'unitId' | 'year'>,
  sheets: Pick<TargetSheetEntity, 'kind' | 'unitId' | 'year' | 'budgetTotal'>[],
): { amount: string; reason: string } {
  const projects = sheets.filter((s) => s.kind === 'project' && s.unitId === sheet.unitId && s.year === sheet.year);
  const sum = projects.reduce((acc, s) => acc.plus(s.budgetTotal ?? 0), new D(0));
  return sheet.kind === 'department' && sum.gt(0)
    ? { amount: sum.toFixed(2), reason: '目标表未列资金，按本部门各项目预算合计补录' }
    : { amount: NO_BUDGET_AMOUNT, reason: '目标表未列资金，按部门预算补录' };
}

async function eachConcurrently<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(lanes);
}

async function waitForScores(
  ds: DataSource,
  sheetIds: string[],
  ms = 300_000,
): Promise<Map<string, SelfEvaluationEntity>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const evs = await ds.getRepository(SelfEvaluationEntity).findBy({ sheetId: In(sheetIds) });
    const done = evs.filter((e) => e.scoredVersion === e.dataVersion && e.scoreState !== 'stale');
    if (done.length === sheetIds.length) return new Map(done.map((e) => [e.sheetId, e]));
    if (Date.now() > deadline) throw new Error(`打分超时：${sheetIds.length - done.length} 张表未完成`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function waitForMails(ds: DataSource, expected: number, ms = 120_000): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    const sent = await ds.getRepository(MailDeliveryEntity).countBy({ status: 'sent' });
    if (sent >= expected) return sent;
    if (Date.now() > deadline) throw new Error(`邮件发送超时：已发送 ${sent} 封，应为 ${expected} 封`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * One block per unit (its name on a row of its own), sheet names wrapped: about 80 columns, so it
 * reads in an ordinary terminal. The PDFs' names are in --out; the table counts them.
 */
export function summaryTable(
  rows: { unit: string; sheet: string; rate: string; score: string; grade: string; files: string[] }[],
): string {
  const table = new Table({
    head: ['目标表', '执行率', '得分', '等级', 'PDF'],
    colWidths: [44, 10, 8, 10, 6],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  const units = [...new Set(rows.map((r) => r.unit))];
  for (const unit of units) {
    table.push([{ colSpan: 5, content: `【${unit}】` }]);
    for (const r of rows.filter((x) => x.unit === unit))
      table.push([r.sheet, r.rate, r.score, r.grade, String(r.files.length)]);
  }
  return table.toString();
}

export async function demoCommand(config: AppConfig, opts: DemoOptions): Promise<number> {
  const started = Date.now();
  const { rows, mails, outbox } = await runDemo(config, opts);
  console.log(summaryTable(rows));
  console.log(
    `\n${rows.length} 张表，${rows.reduce((n, r) => n + r.files.length, 0)} 个 PDF 已写入 ${path.resolve(opts.out)}；已发送 ${mails} 封邮件${outbox ? `（未设置 SMTP_URL：.eml 文件在 ${outbox}）` : ''}；用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒。`,
  );
  return 0;
}
