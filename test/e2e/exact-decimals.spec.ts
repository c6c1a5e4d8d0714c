import * as path from 'node:path';
import ExcelJS from 'exceljs';
import type { DatabaseConfig } from '@selfeval/config';
import type { Agent } from '../helpers/auth';
import { tempDir } from '../helpers/config';
import { binary } from '../helpers/http';
import { describePg } from '../helpers/postgres';
import { Stack, startStack } from '../helpers/stack';

/**
 * Money and values through the real app on both databases: 18-digit money and 6-decimal values come
 * back digit for digit; numbers longer than the columns, and an indicator reported twice, are a 4xx
 * naming the field (never a database error).
 */
/** `database`: an SQLite file, or left out for a fresh PostgreSQL schema */
function suite(name: string, database?: () => DatabaseConfig) {
  describe(name, () => {
    let stack: Stack;
    let admin: Agent;
    let sheetId: string;
    let ids: Record<string, string>;
    const url = () => `/api/actuals/sheets/${sheetId}/periods/Q1`;

    beforeAll(async () => {
      stack = await startStack({ seed: ['003'], periods: ['2024/Q1'], database: database?.() });
      admin = stack.users.admin;
      sheetId = stack.sheet('信访维稳工作经费').id;
      await admin.post(`/api/targets/sheets/${sheetId}/approve`).expect(201);
      const indicators = (await admin.get(`/api/targets/sheets/${sheetId}`).expect(200)).body.indicators as {
        id: string;
        name: string;
      }[];
      ids = Object.fromEntries(indicators.map((i) => [i.name, i.id]));
    });
    afterAll(() => stack?.close());

    it('keeps 18-digit money and 6-decimal values digit for digit', async () => {
      await admin
        .put(url())
        .send({
          spending: [{ source: '财政拨款', amount: '123456789012.123456' }],
          adjustments: [{ amount: '123456789000.000001', reason: '追加预算' }],
          values: [
            { indicatorId: ids['值班人员到位率'], value: '99.123456%' },
            { indicatorId: ids['维稳值班人数'], value: '12345678901234.654321人' },
          ],
        })
        .expect(200);
      const back = (await admin.get(url()).expect(200)).body;
      expect(back.spentTotal).toBe('123456789012.123456');
      expect(back.adjustedBudget).toBe('123456789040.000001');
      expect(back.spending[0].amount).toBe('123456789012.123456');
      expect(back.adjustments[0].amount).toBe('123456789000.000001');
      const num = (id: string) => back.values.find((v: { indicatorId: string }) => v.indicatorId === id).valueNum;
      expect(num(ids['值班人员到位率'])).toBe('99.123456');
      expect(num(ids['维稳值班人数'])).toBe('12345678901234.654321');
    });

    it('refuses numbers longer than the columns, naming the field', async () => {
      const res = await admin
        .put(url())
        .send({
          spending: [{ source: '财政拨款', amount: '123456789012345678901234567890' }],
          values: [
            { indicatorId: ids['维稳值班人数'], value: '123456789012345678901234567890人' },
            { indicatorId: ids['值班人员到位率'], value: '99.1234567%' },
          ],
          overspendExplanation: '测试',
        })
        .expect(422);
      expect(res.body.details).toEqual(
        expect.arrayContaining([
          {
            field: 'spending[0].amount',
            message: '资金来源“财政拨款”的执行数“123456789012345678901234567890”超出可保存的范围（整数部分最多 12 位）',
          },
          {
            field: 'values[0].value',
            message: '“维稳值班人数”当前值“123456789012345678901234567890人”超出可保存的范围（整数部分最多 14 位）',
          },
          { field: 'values[1].value', message: '“值班人员到位率”当前值“99.1234567%”小数位过多（最多 6 位）' },
        ]),
      );
    });

    it('refuses the same indicator twice, from the API and from hidden workbook rows', async () => {
      const twice = await admin
        .put(url())
        .send({
          spending: [{ source: '财政拨款', amount: '1' }],
          values: [
            { indicatorId: ids['维稳值班人数'], value: '1人' },
            { indicatorId: ids['维稳值班人数'], value: '2人' },
          ],
        })
        .expect(422);
      expect(twice.body.details).toEqual([
        {
          field: 'values[1].indicatorId',
          message: '“维稳值班人数”重复填报（与 values[0] 是同一指标），每个指标只能填一次',
        },
      ]);
      const blank = (await binary(admin.get(`${url()}/workbook.xlsx`)).expect(200)).body as Buffer;
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(blank as unknown as ArrayBuffer);
      const meta = wb.getWorksheet('_meta')!;
      const first = meta.getRows(1, meta.rowCount)!.find((r) => r.getCell(1).value === 'indicator')!;
      meta.addRow(['indicator', first.getCell(2).value, Number(first.getCell(3).value) + 1]);
      const res = await admin
        .post(`${url()}/workbook`)
        .attach('file', Buffer.from(await wb.xlsx.writeBuffer()), 'twice.xlsx')
        .expect(422);
      expect(res.body.message).toContain('重复填报');
    });

    it('refuses a target sheet whose money does not fit, in the preview and the import alike', async () => {
      const before = (await admin.get('/api/targets/sheets').expect(200)).body.length;
      const doc = [
        '项目支出绩效目标表',
        '项目名称\t超长金额项目',
        '预算单位\t测试单位',
        '资金总额（万元）\t123456789012345678901234567890',
        '年度\t2024',
        '一级指标\t二级指标\t三级指标\t指标值',
        '产出指标\t数量指标\t次数\t≥1次',
      ].join('\n');
      for (const q of ['?dryRun=1', '']) {
        const res = await admin.post(`/api/targets/import${q}`).attach('files', Buffer.from(doc), 'long.txt');
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({
          message:
            '文件“long.txt”中“超长金额项目”的资金“123456789012345678901234567890.00”万元超出可保存的范围（整数部分最多 12 位），未保存',
          where: { field: 'budget.total' },
        });
      }
      expect((await admin.get('/api/targets/sheets').expect(200)).body.length).toBe(before);
    });
  });
}

suite('exact decimals on SQLite', () => ({ driver: 'sqlite', file: path.join(tempDir(), 'd.sqlite') }));

describePg('PostgreSQL', () => {
  suite('exact decimals on PostgreSQL');
});
