import fc from 'fast-check';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApi } from '../../apps/api/src/create-api';
import { createWorker } from '../../apps/worker/src/create-worker';
import { Agent, signedIn } from '../helpers/auth';
import { testConfig } from '../helpers/config';
import { seedFile } from '../helpers/fixtures';
import { binary } from '../helpers/http';
import { pdfText } from '../helpers/pdf';
import { createPgSchema, describePg } from '../helpers/postgres';
import { waitFor } from '../helpers/wait-for';

const XSS = `<script>alert(1)</script><img src=x onerror="alert(2)">'"&`;
const DAY = 86_400_000;

describePg('hostile input: escaped everywhere, and the JSON API never answers 5xx', () => {
  let app: NestExpressApplication;
  let worker: INestApplicationContext;
  let drop: () => Promise<void>;
  let admin: Agent;
  let sheetId: string;
  let indicators: { id: string; targetRaw: string; targetKind: string }[];

  beforeAll(async () => {
    const pg = await createPgSchema();
    drop = pg.drop;
    const config = testConfig({ database: pg.db });
    app = await createApi(config);
    await app.init();
    worker = await createWorker(config);
    admin = (await signedIn(app, 'admin', { displayName: XSS })).agent;
    await admin.post('/api/targets/import').attach('files', seedFile('004')).expect(201);
    const sheet = (await admin.get('/api/targets/sheets?year=2026').expect(200)).body.find(
      (s: { name: string }) => s.name === '驻京维稳工作组专项',
    );
    sheetId = sheet.id;
    await admin.post(`/api/targets/sheets/${sheetId}/approve`).expect(201);
    await admin
      .put('/api/actuals/periods/2026/Q4')
      .send({ opensAt: new Date(Date.now() - DAY).toISOString(), closesAt: new Date(Date.now() + DAY).toISOString() })
      .expect(200);
    indicators = (await admin.get(`/api/targets/sheets/${sheetId}`).expect(200)).body.indicators;
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await drop?.();
  });

  it('escapes user text in every page and prints it literally in the PDF', async () => {
    const short = indicators.find((i) => i.targetKind === 'quantitative' && /%$/.test(i.targetRaw))!;
    const values = indicators.map((i) => ({
      indicatorId: i.id,
      value: i === short ? '1%' : i.targetRaw.replace(/^[≥≤=]/, ''),
      causeText: XSS,
    }));
    await admin
      .put(`/api/actuals/sheets/${sheetId}/periods/Q4`)
      .send({ spending: [{ source: '财政拨款', amount: '57' }], values })
      .expect(200);
    await admin
      .post(`/api/actuals/sheets/${sheetId}/periods/Q4/evidence`)
      .attach('file', Buffer.from('%PDF-1.4\n%%EOF\n'), `${XSS}.pdf`)
      .expect(201);
    await admin.post(`/api/actuals/sheets/${sheetId}/periods/Q4/submit`).expect(201);
    await waitFor(
      async () => ((await admin.get(`/api/evaluations/${sheetId}`)).body.current ? true : undefined),
      'scores',
    );
    await admin.put(`/api/evaluations/${sheetId}/indicators/${short.id}/explanation`).send({ text: XSS }).expect(200);
    await admin.put(`/api/evaluations/${sheetId}/texts`).send({ goalActual: XSS }).expect(200);
    const ev = await waitFor(async () => {
      const r = (await admin.get(`/api/evaluations/${sheetId}`)).body;
      return r.current ? r : undefined;
    }, 'scores after the texts');

    for (const page of ['/', `/sheets/${sheetId}/periods/Q4`, `/sheets/${sheetId}/evaluation`, '/admin/users']) {
      const html = (await admin.get(page).expect(200)).text;
      expect({ page, raw: html.includes('<script>alert(1)</script>') || html.includes('<img src=x') }).toEqual({
        page,
        raw: false,
      });
    }
    const evaluationPage = (await admin.get(`/sheets/${sheetId}/evaluation`)).text;
    expect(evaluationPage).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src&#x3D;x onerror&#x3D;&quot;alert(2)&quot;&gt;&#x27;&quot;&amp;',
    );

    await admin.post(`/api/evaluations/${sheetId}/report`).expect(201);
    const pdf = await waitFor(async () => {
      const r = await binary(admin.get(`/api/evaluations/${sheetId}/report.pdf`));
      return r.status === 200 && r.headers['x-report-version'] === String(ev.dataVersion)
        ? (r.body as Buffer)
        : undefined;
    }, 'the PDF');
    // printed literally (table cells interleave in text extraction, so look for the parts)
    const text = pdfText(pdf).replace(/\s+/g, '');
    expect(text.split('<script>alert(1)</script>').length - 1).toBeGreaterThanOrEqual(2); // 实际完成情况 and the explanation
    expect(text).toContain('rror="alert(2)">\'"&');
  });

  it('answers random JSON bodies on every JSON write route with 2xx or 4xx, never 5xx', async () => {
    const someId = indicators[0].id;
    const routes: [string, string][] = [
      ['put', `/api/actuals/sheets/${sheetId}/periods/Q1`],
      ['put', `/api/evaluations/${sheetId}/weights`],
      ['put', `/api/evaluations/${sheetId}/indicators/${someId}/explanation`],
      ['put', `/api/evaluations/${sheetId}/indicators/${someId}/review`],
      ['put', `/api/evaluations/${sheetId}/texts`],
      ['put', `/api/evaluations/${sheetId}/profile`],
      ['patch', `/api/targets/sheets/${sheetId}/indicators/${someId}`],
      ['post', '/api/users'],
      ['put', '/api/actuals/periods/2026/Q1'],
      ['post', '/api/actuals/periods/2026/Q1/reopen'],
    ];
    const json = fc.jsonValue({ maxDepth: 3 });
    const shaped = fc.record(
      {
        spending: fc.oneof(
          fc.constant([]),
          fc.array(
            fc.record({
              source: fc.oneof(fc.string(), fc.constant('财政拨款')),
              amount: fc.oneof(fc.string(), fc.double(), fc.integer()),
            }),
            { maxLength: 3 },
          ),
        ),
        values: fc.array(
          fc.record({
            indicatorId: fc.oneof(fc.uuid(), fc.constant(someId), fc.string()),
            value: fc.oneof(fc.string(), fc.integer()),
          }),
          { maxLength: 3 },
        ),
        weights: fc.array(
          fc.record({
            indicatorId: fc.oneof(fc.constant(someId), fc.string()),
            weight: fc.oneof(fc.string(), fc.double(), fc.constant(null)),
          }),
          { maxLength: 3 },
        ),
        text: fc.oneof(fc.string(), fc.integer()),
        score: fc.oneof(fc.string(), fc.double()),
        sections: json,
        goalActual: json,
        profileId: fc.string(),
        username: fc.string(),
        displayName: fc.string(),
        role: fc.constantFrom('admin', 'evaluator', 'reporter', 'head', 'root'),
        name: json,
        target: json,
        opensAt: fc.oneof(
          fc.string(),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        ),
        closesAt: fc.string(),
        unitCode: fc.string(),
        reason: json,
        until: fc.string(),
      },
      { requiredKeys: [] },
    );
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(fc.dictionary(fc.string(), json), fc.array(json, { maxLength: 4 }), shaped),
        async ([method, url], body) => {
          type Sender = (u: string) => { send(b: unknown): Promise<{ status: number; text: string }> };
          const call = (admin as unknown as Record<string, Sender>)[method];
          const res = await call.call(admin, url).send(body as object);
          seen.add(res.status);
          if (res.status >= 500)
            throw new Error(
              `${method.toUpperCase()} ${url} ${JSON.stringify(body)} → ${res.status} ${res.text.slice(0, 200)}`,
            );
        },
      ),
      { numRuns: 400 },
    );
    expect([...seen].some((s) => s >= 400 && s < 500)).toBe(true);
  }, 120_000);
});
