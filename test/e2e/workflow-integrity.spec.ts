import * as fs from 'node:fs';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { UsersService } from '@selfeval/auth';
import type { DatabaseConfig } from '@selfeval/config';
import { AuditLogEntity } from '@selfeval/db';
import { createApi } from '../../apps/api/src/create-api';
import { createWorker } from '../../apps/worker/src/create-worker';
import { Agent, signedIn } from '../helpers/auth';
import { dropRedisPrefix, testConfig } from '../helpers/config';
import { seedFile } from '../helpers/fixtures';
import { binary } from '../helpers/http';
import { createPgSchema } from '../helpers/postgres';
import { waitFor } from '../helpers/wait-for';

const DAY = 86_400_000;
const N = 5;
const STALE = '已被他人修改：您看到的是旧版本，请对照最新内容后重新保存';

/** The databases the workflow runs on: PostgreSQL (production) and SQLite (the embedded default). */
const databases: [string, () => Promise<{ db?: DatabaseConfig; drop: () => Promise<void> }>][] = [
  ['PostgreSQL', async () => createPgSchema()],
  ['SQLite', async () => ({ db: undefined, drop: async () => undefined })],
];
const selected = databases.filter(([name]) => name === 'SQLite' || process.env.SELFEVAL_TEST_PG !== '0');

/**
 * Issue 12 through the real app, a real worker and real Redis, on both databases: every transition is
 * one conditional write (N identical requests at once → one 2xx, the rest 409 in Chinese, one audit row),
 * approved is final for every score input, a reopen sends the evaluation through review again, and a
 * stale save answers 409 instead of overwriting.
 */
describe.each(selected)('workflow integrity on %s', (_name, makeDb) => {
  let app: NestExpressApplication;
  let worker: INestApplicationContext;
  let drop: () => Promise<void>;
  let config: ReturnType<typeof testConfig>;
  let ds: DataSource;
  let admin: Agent;
  let reporter: Agent;
  let head: Agent;
  let evaluator: Agent;
  let outsider: Agent;
  let sheetId: string;
  let indicators: { id: string; name: string; targetRaw: string; targetKind: string }[];
  const q = (p: string) => `/api/actuals/sheets/${sheetId}/periods/${p}`;
  const ev = () => `/api/evaluations/${sheetId}`;

  /** Every target met exactly; `lower` puts every quantitative value at a tenth (the "lowered values"). */
  const q4 = (spent: string, lower = false) => ({
    spending: [{ source: '财政拨款', amount: spent }],
    values: indicators.map((i) => {
      const met = i.targetRaw.replace(/^[≥≤=＝]/, '');
      if (i.targetKind !== 'quantitative') return { indicatorId: i.id, grade: '优' };
      if (!lower) return { indicatorId: i.id, value: met };
      const m = /^([\d.]+)(.*)$/.exec(met)!;
      return { indicatorId: i.id, value: `${Number(m[1]) / 10}${m[2]}`, causeCategory: '其他', causeText: '下调' };
    }),
  });
  const statuses = (res: { status: number }[]) => res.map((r) => r.status).sort();
  const rows = (entityId: string, action: string) =>
    ds.getRepository(AuditLogEntity).find({ where: { entityId, action } });
  const current = () =>
    waitFor(async () => {
      const r = (await admin.get(ev())).body;
      return r.current ? r : undefined;
    }, 'current scores');
  async function race(n: number, send: () => PromiseLike<{ status: number; body: { message?: string } }>) {
    const res = await Promise.all(Array.from({ length: n }, send));
    const ok = res.filter((r) => r.status < 300);
    const refused = res.filter((r) => r.status >= 300);
    for (const r of refused) {
      expect(r.status).toBe(409);
      expect(r.body.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    return { ok, refused, statuses: statuses(res) };
  }

  beforeAll(async () => {
    const made = await makeDb();
    drop = made.drop;
    config = testConfig(made.db ? { database: made.db } : {});
    app = await createApi(config);
    await app.init();
    ds = app.get(DataSource);
    worker = await createWorker(config);
    admin = (await signedIn(app, 'admin', { displayName: '财政管理员', username: 'cz.admin' })).agent;
    await admin.post('/api/targets/import').attach('files', seedFile('003')).expect(201);
    reporter = (await signedIn(app, 'reporter', { unitCode: '501', displayName: '张填报', username: 'zhang.tb' }))
      .agent;
    head = (await signedIn(app, 'head', { unitCode: '501', displayName: '李负责人', username: 'li.fzr' })).agent;
    const ev1 = await signedIn(app, 'evaluator', { displayName: '王评审', username: 'wang.ps' });
    await app.get(UsersService).assign(ev1.user.id, ['501']);
    evaluator = ev1.agent;
    outsider = (await signedIn(app, 'evaluator', { displayName: '赵评审', username: 'zhao.ps' })).agent;
    const sheets = (await admin.get('/api/targets/sheets?unit=501&year=2024').expect(200)).body;
    sheetId = sheets.find((s: { name: string }) => s.name === '信访维稳工作经费').id;
    indicators = (await admin.get(`/api/targets/sheets/${sheetId}`).expect(200)).body.indicators;
    const now = Date.now();
    for (const p of ['Q1', 'Q2', 'Q3', 'Q4'])
      await admin
        .put(`/api/actuals/periods/2024/${p}`)
        .send({ opensAt: new Date(now - DAY).toISOString(), closesAt: new Date(now + DAY).toISOString() })
        .expect(200);
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await drop?.();
    // nothing left behind: the queues' keys under this file's prefix
    if (config?.redisUrl) await dropRedisPrefix(config.redisUrl, config.queuePrefix);
  });

  it('target approval: one of five lands, one audit row', async () => {
    const r = await race(N, () => admin.post(`/api/targets/sheets/${sheetId}/approve`));
    expect(r.statuses).toEqual([201, 409, 409, 409, 409]);
    expect(await rows(sheetId, 'approve')).toHaveLength(1);
  });

  it('quarter save: five first saves from version 0 → one 200, four 409 “已被他人修改”, one create audited', async () => {
    const r = await race(N, () => reporter.put(q('Q4')).send({ ...q4('40'), version: 0 }));
    expect(r.statuses).toEqual([200, 409, 409, 409, 409]);
    for (const x of r.refused) expect(x.body.message).toBe(STALE);
    const stored = (await reporter.get(q('Q4')).expect(200)).body;
    expect(stored.dataVersion).toBe(1);
    // one save audited once: a row for the spending and one per indicator value, nothing from the losers
    expect(await rows(stored.id, 'create')).toHaveLength(1 + indicators.length);
    expect(await rows(stored.id, 'update')).toHaveLength(0);
  });

  it('a stale save via the API (body version or If-Match) is refused and changes nothing', async () => {
    const before = (await reporter.get(q('Q4')).expect(200)).body;
    const stale = await reporter
      .put(q('Q4'))
      .send({ ...q4('39'), version: before.dataVersion - 1 })
      .expect(409);
    expect(stale.body).toMatchObject({ code: 'CONFLICT', message: STALE });
    await reporter
      .put(q('Q4'))
      .set('If-Match', `"${before.dataVersion + 3}"`)
      .send(q4('39'))
      .expect(409);
    const bad = await reporter.put(q('Q4')).set('If-Match', 'abc').send(q4('39')).expect(422);
    expect(bad.body.message).toContain('If-Match');
    const after = (await reporter.get(q('Q4')).expect(200)).body;
    expect(after).toMatchObject({ dataVersion: before.dataVersion, spentTotal: '40' });
    // the current version goes through
    await reporter.put(q('Q4')).set('If-Match', `"${before.dataVersion}"`).send(q4('40')).expect(200);
  });

  it('quarter submit, return, confirm: one of five each, one audit row each', async () => {
    const id = (await reporter.get(q('Q4')).expect(200)).body.id;
    expect((await race(N, () => reporter.post(`${q('Q4')}/submit`))).statuses).toEqual([201, 409, 409, 409, 409]);
    const ret = await race(N, () => head.post(`${q('Q4')}/return`).send({ reason: '执行数待核' }));
    expect(ret.statuses).toEqual([201, 409, 409, 409, 409]);
    const v = (await reporter.get(q('Q4')).expect(200)).body.dataVersion;
    await reporter
      .put(q('Q4'))
      .send({ ...q4('40'), version: v })
      .expect(200);
    await reporter.post(`${q('Q4')}/submit`).expect(201);
    expect((await race(N, () => head.post(`${q('Q4')}/confirm`))).statuses).toEqual([201, 409, 409, 409, 409]);
    expect(await rows(id, 'submit')).toHaveLength(2);
    expect(await rows(id, 'return')).toHaveLength(1);
    expect(await rows(id, 'confirm')).toHaveLength(1);
  });

  it('year end submit, return, approve: one of five each, one audit row each', async () => {
    const scored = await current();
    expect(scored).toMatchObject({ status: 'draft', total: '100.00', grade: '优' });
    expect((await race(N, () => head.post(`${ev()}/submit`))).statuses).toEqual([201, 409, 409, 409, 409]);
    const ret = await race(N, () => evaluator.post(`${ev()}/return`).send({ reason: '请补充说明' }));
    expect(ret.statuses).toEqual([201, 409, 409, 409, 409]);
    await head.post(`${ev()}/submit`).expect(201);
    expect((await race(N, () => evaluator.post(`${ev()}/approve`))).statuses).toEqual([201, 409, 409, 409, 409]);
    expect(await rows(scored.id, 'submit')).toHaveLength(2);
    expect(await rows(scored.id, 'return')).toHaveLength(1);
    expect(await rows(scored.id, 'approve')).toHaveLength(1);
  });

  it('approved is final: every score input is refused, the score and approval stay as they were', async () => {
    const before = (await admin.get(ev()).expect(200)).body;
    expect(before).toMatchObject({ status: 'approved', total: '100.00', grade: '优' });
    const ind = indicators[0].id;
    const refused: [string, PromiseLike<{ status: number; body: { message: string } }>][] = [
      ['Q4 return (the head)', head.post(`${q('Q4')}/return`).send({ reason: '下调年终值' })],
      ['Q1 values and spending', reporter.put(q('Q1')).send(q4('5'))],
      ['weights', reporter.put(`${ev()}/weights`).send({ weights: [{ indicatorId: ind, weight: '5' }] })],
      ['explanation', reporter.put(`${ev()}/indicators/${ind}/explanation`).send({ text: '补充' })],
      ['texts', reporter.put(`${ev()}/texts`).send({ goalActual: '改写' })],
      ['profile', evaluator.put(`${ev()}/profile`).send({ profileId: before.profileId })],
      ['reviewer score', evaluator.put(`${ev()}/indicators/${ind}/review`).send({ score: '1' })],
      ['rescoring', head.post(`${ev()}/score`)],
    ];
    const workbook = (await binary(reporter.get(`${q('Q1')}/workbook.xlsx`)).expect(200)).body as Buffer;
    refused.push(['Excel workbook upload', reporter.post(`${q('Q1')}/workbook`).attach('file', workbook, 'Q1.xlsx')]);
    refused.push([
      'supplementary evidence',
      reporter.post(`${q('Q4')}/evidence`).attach('file', Buffer.from('%PDF-1.4\n'), '补充.pdf'),
    ]);
    for (const [what, req] of refused) {
      const res = await req;
      expect({ what, status: res.status }).toEqual({ what, status: 409 });
      expect(res.body.message).toMatch(/自评已审核通过|只能审核已提交的自评/);
    }
    // a 目标调整 after approval: the new version of the sheet is imported, but not approved
    const text = fs.readFileSync(seedFile('003'), 'utf8');
    const changed = text.replace('信访维稳工作经费\n\n\t预算规模及资金用途\n\t预算数\n\t40.00', (m) =>
      m.replace('40.00', '41.00'),
    );
    expect(changed).not.toBe(text);
    const imported = (
      await admin.post('/api/targets/import').attach('files', Buffer.from(changed), '003-目标调整.txt').expect(201)
    ).body;
    const adjusted = imported.stored.filter((x: { outcome: string }) => x.outcome === 'new-version');
    expect(adjusted).toHaveLength(1);
    const draftId = adjusted[0].id;
    const approve = await admin.post(`/api/targets/sheets/${draftId}/approve`).expect(409);
    expect(approve.body.message).toContain('自评已审核通过，不能批复');
    const after = (await admin.get(ev()).expect(200)).body;
    expect(after).toMatchObject({
      status: 'approved',
      total: before.total,
      grade: before.grade,
      decidedAt: before.decidedAt,
      dataVersion: before.dataVersion,
    });
    expect((await reporter.get(q('Q4')).expect(200)).body.status).toBe('confirmed');
    await reporter.get(q('Q1')).expect(404);
  });

  it('reopen: a reason is required, only the unit’s evaluator or an administrator, one of five lands', async () => {
    const missing = await evaluator.post(`${ev()}/reopen`).send({ reason: '  ' }).expect(422);
    expect(missing.body).toMatchObject({ message: '重新打开须填写原因', where: { field: 'reason' } });
    await head.post(`${ev()}/reopen`).send({ reason: '自己改' }).expect(403);
    // another unit's evaluator does not even see the sheet
    await outsider.post(`${ev()}/reopen`).send({ reason: '别的单位' }).expect(404);
    const r = await race(N, () => evaluator.post(`${ev()}/reopen`).send({ reason: '年终数据需更正' }));
    expect(r.statuses).toEqual([201, 409, 409, 409, 409]);
    const reopened = (await admin.get(ev()).expect(200)).body;
    expect(reopened.status).toBe('returned');
    expect(await rows(reopened.id, 'reopen')).toEqual([
      expect.objectContaining({ actor: '王评审（wang.ps）', reason: '年终数据需更正', oldValue: '审核通过' }),
    ]);
  });

  it('a Q4 report returned before the approval stays frozen under it: no resubmission, no save', async () => {
    await head
      .post(`${q('Q4')}/return`)
      .send({ reason: '更正年终值' })
      .expect(201);
    // the unit resubmits the evaluation unchanged and it is approved while its Q4 report is back with the reporter
    await head.post(`${ev()}/submit`).expect(201);
    await evaluator.post(`${ev()}/approve`).expect(201);
    const submit = await reporter.post(`${q('Q4')}/submit`).expect(409);
    expect(submit.body.message).toBe('自评已审核通过，不能提交四季度（1–12月）报告；如需修改，请评审人先重新打开自评');
    const v = (await reporter.get(q('Q4')).expect(200)).body.dataVersion;
    const save = await reporter
      .put(q('Q4'))
      .send({ ...q4('40', true), version: v })
      .expect(409);
    expect(save.body.message).toContain('自评已审核通过，不能修改四季度');
    expect((await reporter.get(q('Q4')).expect(200)).body).toMatchObject({ status: 'returned', dataVersion: v });
    await evaluator.post(`${ev()}/reopen`).send({ reason: '四季度数据需更正' }).expect(201);
  });

  it('reopen → edit → submit → review again: the lower values score again and need a new approval', async () => {
    const v = (await reporter.get(q('Q4')).expect(200)).body.dataVersion;
    await reporter
      .put(q('Q4'))
      .send({ ...q4('40', true), version: v })
      .expect(200);
    await reporter.post(`${q('Q4')}/submit`).expect(201);
    const rescored = await current();
    expect(Number(rescored.total)).toBeLessThan(100);
    expect(rescored.status).toBe('returned');
    await evaluator.post(`${ev()}/approve`).expect(409);
    // the unit explains each shortfall, each save on top of the version it read
    let version = rescored.dataVersion;
    for (const i of indicators.filter((x) => x.targetKind === 'quantitative')) {
      const saved = await reporter
        .put(`${ev()}/indicators/${i.id}/explanation`)
        .send({ text: '年终值经核对更正，明年加强台账管理', version })
        .expect(200);
      expect(saved.body.dataVersion).toBe(version + 1);
      version = saved.body.dataVersion;
    }
    const stale = await reporter
      .put(`${ev()}/texts`)
      .send({ goalActual: '旧页面', version: version - 1 })
      .expect(409);
    expect(stale.body.message).toBe(STALE);
    await current();
    await head.post(`${ev()}/submit`).expect(201);
    const approved = (await evaluator.post(`${ev()}/approve`).expect(201)).body;
    expect(approved.status).toBe('approved');
    expect(await rows(approved.id, 'approve')).toHaveLength(3);
    expect(await rows(approved.id, 'reopen')).toHaveLength(2);
  });

  describe('pages', () => {
    const versionIn = (html: string) => Number(/name="version" value="(\d+)"/.exec(html)?.[1]);
    /** the quarterly form as the browser posts it: spending in the first fund source, every value */
    const quarterForm = (html: string, spent: string, value: string) => ({
      version: String(versionIn(html)),
      action: 'save',
      spend_0: spent,
      ...Object.fromEntries(
        indicators.map((i) => (i.targetKind === 'quantitative' ? [`value_${i.id}`, value] : [`grade_${i.id}`, '良'])),
      ),
    });

    it('reopen button: a missing reason is shown beside the field, a reason reopens', async () => {
      const page = (await evaluator.get(`/sheets/${sheetId}/evaluation`).expect(200)).text;
      expect(page).toContain('id="reopen-form"');
      const missing = await evaluator.post(`/sheets/${sheetId}/evaluation/reopen`).type('form').send({ reason: '' });
      expect(missing.status).toBe(422);
      expect(missing.text).toMatch(/<p class="field-error" id="reopen-reason-error">重新打开须填写原因<\/p>/);
      expect((await admin.get(ev()).expect(200)).body.status).toBe('approved');
      const done = await evaluator
        .post(`/sheets/${sheetId}/evaluation/reopen`)
        .type('form')
        .send({ reason: '页面上重新打开' })
        .expect(303);
      expect(done.headers.location).toContain('saved=reopened');
      expect((await admin.get(ev()).expect(200)).body).toMatchObject({
        status: 'returned',
        returnReason: '页面上重新打开',
      });
    });

    it('two tabs on one quarterly report: the stale save shows both values side by side and saves nothing', async () => {
      const tabA = (await reporter.get(`/sheets/${sheetId}/periods/Q1`).expect(200)).text;
      const tabB = (await reporter.get(`/sheets/${sheetId}/periods/Q1`).expect(200)).text;
      expect(versionIn(tabA)).toBe(0);
      await reporter
        .post(`/sheets/${sheetId}/periods/Q1`)
        .type('form')
        .send(quarterForm(tabA, '5', '1'))
        .expect(303);
      const stale = await reporter
        .post(`/sheets/${sheetId}/periods/Q1`)
        .type('form')
        .send(quarterForm(tabB, '6.5', '2'));
      expect(stale.status).toBe(409);
      expect(stale.text).toContain('保存冲突：已被他人修改');
      // stored beside typed, the typed values still in the form, the version now the stored one
      expect(stale.text).toMatch(
        /累计执行数（财政拨款）<\/th>\s*<td class="stored"[^>]*>5<\/td>\s*<td class="typed"[^>]*>6.5<\/td>/,
      );
      expect(stale.text).toMatch(/id="spend_0" name="spend_0" value="6.5"/);
      expect(versionIn(stale.text)).toBe(1);
      expect(stale.text).toContain('保留我的填写');
      expect(stale.text).toContain(`href="/sheets/${sheetId}/periods/Q1">采用已保存的内容`);
      const stored = (await reporter.get(q('Q1')).expect(200)).body;
      expect(stored).toMatchObject({ dataVersion: 1, spentTotal: '5' });
      // "keep mine": the same form again, now on top of the version it has shown
      await reporter
        .post(`/sheets/${sheetId}/periods/Q1`)
        .type('form')
        .send(quarterForm(stale.text, '6.5', '2'))
        .expect(303);
      expect((await reporter.get(q('Q1')).expect(200)).body).toMatchObject({ dataVersion: 2, spentTotal: '6.5' });
    });

    it('an Excel workbook downloaded before someone else saved is refused on upload, a fresh one is taken', async () => {
      const old = (await binary(reporter.get(`${q('Q1')}/workbook.xlsx`)).expect(200)).body as Buffer;
      const before = (await reporter.get(q('Q1')).expect(200)).body;
      await reporter
        .put(q('Q1'))
        .send({ ...q4('7'), version: before.dataVersion })
        .expect(200);
      const stale = await reporter
        .post(`${q('Q1')}/workbook`)
        .attach('file', old, 'Q1-旧.xlsx')
        .expect(409);
      expect(stale.body.message).toBe(
        '已被他人修改：文件“Q1-旧.xlsx”下载后该报告又保存过，请重新下载填报表，对照后再上传',
      );
      expect((await reporter.get(q('Q1')).expect(200)).body).toMatchObject({
        dataVersion: before.dataVersion + 1,
        spentTotal: '7',
      });
      const fresh = (await binary(reporter.get(`${q('Q1')}/workbook.xlsx`)).expect(200)).body as Buffer;
      const saved = await reporter
        .post(`${q('Q1')}/workbook`)
        .attach('file', fresh, 'Q1.xlsx')
        .expect(201);
      expect(saved.body.report).toMatchObject({ dataVersion: before.dataVersion + 2, spentTotal: '7' });
    });

    it('two tabs on the year-end page: the stale save keeps what was typed beside what is stored', async () => {
      const tabA = (await reporter.get(`/sheets/${sheetId}/evaluation`).expect(200)).text;
      const tabB = (await reporter.get(`/sheets/${sheetId}/evaluation`).expect(200)).text;
      const post = (html: string, goalActual: string) =>
        reporter
          .post(`/sheets/${sheetId}/evaluation`)
          .type('form')
          .send({ version: String(versionIn(html)), goalActual });
      await post(tabA, '甲：全年目标基本完成').expect(303);
      const stale = await post(tabB, '乙：<b>全年</b>目标完成');
      expect(stale.status).toBe(409);
      expect(stale.text).toMatch(
        /实际完成情况<\/th>\s*<td class="stored"[^>]*>甲：全年目标基本完成<\/td>\s*<td class="typed"[^>]*>乙：&lt;b&gt;全年&lt;\/b&gt;目标完成<\/td>/,
      );
      expect(stale.text).toContain(
        '<textarea id="goalActual" name="goalActual">乙：&lt;b&gt;全年&lt;/b&gt;目标完成</textarea>',
      );
      expect((await reporter.get(ev()).expect(200)).body.goalActual).toBe('甲：全年目标基本完成');
    });
    it('two reviewers on one submitted evaluation: the stale review keeps the typed score beside the stored one', async () => {
      await current();
      await head.post(`${ev()}/submit`).expect(201);
      const id = indicators.find((i) => i.targetKind === 'quantitative')!.id;
      const tabA = (await evaluator.get(`/sheets/${sheetId}/evaluation`).expect(200)).text;
      const tabB = (await admin.get(`/sheets/${sheetId}/evaluation`).expect(200)).text;
      expect(tabA).toContain('id="review-form"');
      const post = (agent: Agent, html: string, score: string) =>
        agent
          .post(`/sheets/${sheetId}/evaluation/review`)
          .type('form')
          .send({ version: String(versionIn(html)), action: 'save', [`review_${id}`]: score, [`comment_${id}`]: '' });
      await post(evaluator, tabA, '1').expect(303);
      const stale = await post(admin, tabB, '0.5');
      expect(stale.status).toBe(409);
      expect(stale.text).toMatch(/评审得分<\/th>\s*<td class="stored"[^>]*>1<\/td>\s*<td class="typed"[^>]*>0.5<\/td>/);
      expect(stale.text).toContain(`name="review_${id}" value="0.5"`);
      expect(stale.text).toContain('<button type="submit" form="review-form" name="action" value="save">');
      const scoreOf = async () =>
        (await admin.get(ev()).expect(200)).body.indicators.find((r: { indicatorId: string }) => r.indicatorId === id)
          .reviewerScore;
      expect(Number(await scoreOf())).toBe(1);
      await post(admin, stale.text, '0.5').expect(303);
      expect(Number(await scoreOf())).toBe(0.5);
    });
  });
});
