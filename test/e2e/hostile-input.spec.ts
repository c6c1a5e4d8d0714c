import fc from 'fast-check';
import type { Agent } from '../helpers/auth';
import { pdfText } from '../helpers/pdf';
import { describePg } from '../helpers/postgres';
import { LUKOU_YEAR_END, Stack, startStack } from '../helpers/stack';

const XSS = `<script>alert(1)</script><img src=x onerror="alert(2)">'"&`;

describePg('hostile input: escaped everywhere, and the JSON API never answers 5xx', () => {
  let stack: Stack;
  let admin: Agent;
  let sheetId: string;
  let indicators: { id: string; targetRaw: string; targetKind: string }[];

  beforeAll(async () => {
    stack = await startStack({
      ...LUKOU_YEAR_END,
      names: { admin: { displayName: XSS, username: 'hostile.admin' } }, // a fixed name: the same layout every run
    });
    admin = stack.users.admin;
    sheetId = stack.sheets.find((s) => s.name === '驻京维稳工作组专项')!.id;
    indicators = (await admin.get(`/api/targets/sheets/${sheetId}`).expect(200)).body.indicators;
  }, 60_000);
  afterAll(() => stack?.close());

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
    await stack.scored(sheetId);
    await admin.put(`/api/evaluations/${sheetId}/indicators/${short.id}/explanation`).send({ text: XSS }).expect(200);
    await admin.put(`/api/evaluations/${sheetId}/texts`).send({ goalActual: XSS }).expect(200);
    const ev = await stack.scored(sheetId);
    expect(ev.current).toBe(true);

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

    const queued = (await admin.post(`/api/evaluations/${sheetId}/report`).expect(201)).body;
    expect(queued.dataVersion).toBe(ev.dataVersion);
    const pdf = await stack.rendered(sheetId);
    // printed literally; read in drawing order, where a wrapped cell's lines do not interleave with its neighbours'
    const text = pdfText(pdf, undefined, 'raw').replace(/\s+/g, '');
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
