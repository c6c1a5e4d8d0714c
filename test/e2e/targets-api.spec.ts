import * as fs from 'node:fs';
import { DataSource } from 'typeorm';
import type { Agent } from '../helpers/auth';
import { binary } from '../helpers/http';
import { seedFile } from '../helpers/fixtures';
import { describePg } from '../helpers/postgres';
import { Stack, startStack } from '../helpers/stack';

const EXPECTED_SHEETS: Record<string, number[]> = {
  // indicators per sheet, as published
  '000': [13, 13],
  '001': [0, 7, 7, 7, 7, 7],
  '002': [7, 8, 7, 6],
  '003': [7, 7, 7, 7, 7, 7, 7, 7],
  '004': [14, 10, 10],
};

describePg('targets API through the real app on PostgreSQL', () => {
  let stack: Stack;
  let ds: DataSource;
  let admin: Agent;
  const http = () => admin;
  const count = async (table: string) => Number((await ds.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    stack = await startStack({ names: { admin: { displayName: '管理员' } } });
    admin = stack.users.admin;
    ds = stack.app.get(DataSource);
  });
  afterAll(() => stack?.close());

  it('previews an upload with warnings and stores nothing (dryRun)', async () => {
    const res = await http().post('/api/targets/import?dryRun=1').attach('files', seedFile('003')).expect(201);
    expect(res.body.dryRun).toBe(true);
    expect(res.body.sheets).toHaveLength(8);
    expect(res.body.warnings.map((w: { code: string }) => w.code)).toContain('COST_EXCEEDS_BUDGET');
    expect(res.body.warnings[0].where.file).toMatch(/^003_/);
    expect(await count('target_sheet')).toBe(0);
  });

  it('stores every sheet and indicator of the five seeds exactly once', async () => {
    for (const prefix of Object.keys(EXPECTED_SHEETS)) {
      const res = await http().post('/api/targets/import').attach('files', seedFile(prefix)).expect(201);
      expect(res.body.stored.map((s: { indicators: number }) => s.indicators)).toEqual(EXPECTED_SHEETS[prefix]);
      expect(res.body.stored.every((s: { outcome: string }) => s.outcome === 'created')).toBe(true);
    }
    const totalIndicators = Object.values(EXPECTED_SHEETS)
      .flat()
      .reduce((a, b) => a + b, 0);
    expect(await count('target_sheet')).toBe(Object.values(EXPECTED_SHEETS).flat().length);
    expect(await count('indicator')).toBe(totalIndicators);
    expect(await count('unit')).toBe(5);
  });

  it('recognises a re-import of the same file and creates no duplicate', async () => {
    const before = await count('indicator');
    const res = await http().post('/api/targets/import').attach('files', seedFile('000')).expect(201);
    expect(res.body.stored.map((s: { outcome: string }) => s.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(await count('indicator')).toBe(before);
  });

  it('lists and reads sheets with exact money and targets', async () => {
    const list = await http().get('/api/targets/sheets?unit=501&year=2024').expect(200);
    expect(list.body).toHaveLength(8);
    const wei = list.body.find((s: { name: string }) => s.name === '信访维稳工作经费');
    expect(wei).toMatchObject({ budgetTotal: '40', status: 'draft', version: 1, projectCode: '13043324P00007710001N' });
    const sheet = await http().get(`/api/targets/sheets/${wei.id}`).expect(200);
    expect(sheet.body.spendingPlan).toEqual([
      { month: 3, percent: '25' },
      { month: 6, percent: '50' },
      { month: 10, percent: '75' },
      { month: 12, percent: '100' },
    ]);
    const cost = sheet.body.indicators.find((i: { name: string }) => i.name === '维稳值班资金');
    expect(cost).toMatchObject({ targetOp: '<=', targetValue: '72.4', targetUnit: '万元', level2: '成本指标' });
  });

  it('edits a target before approval, then locks the sheet on approval', async () => {
    const [sheet] = (await http().get('/api/targets/sheets?unit=501&year=2024').expect(200)).body.filter(
      (s: { name: string }) => s.name === '信访维稳工作经费',
    );
    const full = (await http().get(`/api/targets/sheets/${sheet.id}`)).body;
    const cost = full.indicators.find((i: { name: string }) => i.name === '维稳值班资金');
    const edited = await http()
      .patch(`/api/targets/sheets/${sheet.id}/indicators/${cost.id}`)
      .send({ target: '≤40万元' })
      .expect(200);
    expect(edited.body).toMatchObject({ targetOp: '<=', targetValue: '40', targetUnit: '万元', targetRaw: '≤40万元' });

    const approved = await http().post(`/api/targets/sheets/${sheet.id}/approve`).expect(201);
    expect(approved.body.status).toBe('approved');
    const locked = await http()
      .patch(`/api/targets/sheets/${sheet.id}/indicators/${cost.id}`)
      .send({ target: '≤1万元' })
      .expect(409);
    expect(locked.body).toMatchObject({ code: 'SHEET_LOCKED' });
    expect(locked.body.message).toContain('批复锁定');
  });

  it('keeps history: a changed re-import is a new version (目标调整)', async () => {
    const original = fs.readFileSync(seedFile('004'), 'utf8');
    const changed = original.replace('区领导坐班接访\t≥\t264', '区领导坐班接访\t≥\t250');
    const res = await http()
      .post('/api/targets/import')
      .attach('files', Buffer.from(changed), '渌口-调整.txt')
      .expect(201);
    expect(res.body.stored.map((s: { outcome: string }) => s.outcome)).toEqual([
      'new-version',
      'unchanged',
      'unchanged',
    ]);
    const dept = res.body.stored[0];
    expect(dept.version).toBe(2);
    const history = await http().get(`/api/targets/sheets/${dept.id}/history`).expect(200);
    expect(history.body.map((s: { version: number; status: string }) => [s.version, s.status])).toEqual([
      [1, 'superseded'],
      [2, 'draft'],
    ]);
    expect(history.body[1].changeReason).toContain('目标调整');
  });

  it('rejects bad files with a Chinese error naming the file and stores nothing', async () => {
    const before = await count('target_sheet');
    const gbk = Buffer.from([0xcf, 0xee, 0xc4, 0xbf, 0xc3, 0xfb, 0xb3, 0xc6, 0x09, 0xbc, 0xd7]);
    const cases: [Buffer, string, number, string][] = [
      [gbk, 'gbk.txt', 422, 'FILE_NOT_UTF8'],
      [Buffer.alloc(0), 'empty.txt', 422, 'FILE_EMPTY'],
      [Buffer.from('PK\u0003\u0004broken'), 'broken.xlsx', 415, 'FILE_FORMAT_UNSUPPORTED'],
      [Buffer.from('只有一段说明文字，没有表格'), 'prose.txt', 422, 'NO_SHEETS_FOUND'],
    ];
    for (const [bytes, name, status, code] of cases) {
      const res = await http().post('/api/targets/import').attach('files', bytes, name).expect(status);
      expect(res.body.code).toBe(code);
      expect(res.body.message).toContain(name);
    }
    // A good file uploaded together with a bad one: nothing of either is stored.
    const mixed = await http()
      .post('/api/targets/import')
      .attach('files', seedFile('002'))
      .attach('files', gbk, 'gbk.txt')
      .expect(422);
    expect(mixed.body.code).toBe('FILE_NOT_UTF8');
    expect(await count('target_sheet')).toBe(before);
  });

  it('exports a unit-year to the Excel template and re-imports it as unchanged', async () => {
    const res = await binary(http().get('/api/targets/export.xlsx?unit=501&year=2024')).expect(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(decodeURIComponent(res.headers['content-disposition'])).toContain('绩效目标表-501-2024.xlsx');
    const again = await http()
      .post('/api/targets/import')
      .attach('files', res.body as Buffer, '馆陶.xlsx')
      .expect(201);
    // Includes 信访维稳工作经费, edited to ≤40万元 after import: the export carries the edit, so nothing changed.
    expect(again.body.stored.map((s: { outcome: string }) => s.outcome)).toEqual(Array(8).fill('unchanged'));
  });

  it('refuses a broken Word .docx upload naming the file', async () => {
    const res = await http()
      .post('/api/targets/import?dryRun=1')
      .attach('files', Buffer.from('PK\u0003\u0004junk'), '目标表.docx')
      .expect(415);
    expect(res.body.message).toContain('目标表.docx');
  });

  it('refuses an upload over the size limit', async () => {
    const res = await http()
      .post('/api/targets/import')
      .attach('files', Buffer.alloc(21 * 1024 * 1024, 0x61), 'huge.txt')
      .expect(413);
    expect(res.body.code).toBe('FILE_TOO_LARGE');
  });

  it('answers 404 in Chinese for an unknown sheet and 400 for a malformed id', async () => {
    const res = await http().get('/api/targets/sheets/00000000-0000-4000-8000-000000000000').expect(404);
    expect(res.body.message).toBe('找不到该内容，或您无权查看');
    await http().get('/api/targets/sheets/not-a-uuid').expect(400);
  });
});
