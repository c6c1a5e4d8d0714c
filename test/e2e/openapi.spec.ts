import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import puppeteer from 'puppeteer-core';
import { chromiumLaunchOptions } from '@selfeval/reports';
import { createApi } from '../../apps/api/src/create-api';
import { Agent, signedIn, TEST_PASSWORD } from '../helpers/auth';
import { testConfig } from '../helpers/config';
import { seedFile } from '../helpers/fixtures';
import { routesOf } from '../helpers/routes';

/** The docs' own routes: the UI and the document itself are not part of the API they describe. */
const DOCS_ROUTES = new Set([
  'GET /api/docs',
  'GET /api/docs.json',
  'GET /api/docs/init.js',
  'GET /api/docs/assets/:file',
]);

/** Nest's `:id` as OpenAPI's `{id}`. */
const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string }[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

describe('OpenAPI document at /api/docs, built from the controllers', () => {
  let app: NestExpressApplication;
  let admin: Agent;
  let doc: {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, unknown> };
  };

  beforeAll(async () => {
    app = await createApi(testConfig());
    await app.listen(0, '127.0.0.1');
    admin = (await signedIn(app, 'admin', { username: 'docs-admin' })).agent;
    // unit 501, for the unit-bound roles below
    await admin.post('/api/targets/import').attach('files', seedFile('003')).expect(201);
    doc = (await admin.get('/api/docs.json').expect(200)).body;
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('describes every JSON route with a Chinese summary, its path parameters and the error shape', () => {
    const routes = routesOf(app);
    const json = routes.filter((r) => r.path.startsWith('/api/') && !DOCS_ROUTES.has(`${r.method} ${r.path}`));
    expect(json.length).toBeGreaterThan(35);
    expect(doc.openapi).toMatch(/^3\./);
    const problems: string[] = [];
    for (const r of json) {
      const key = `${r.method} ${r.path}`;
      const op = doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()];
      if (!op) {
        problems.push(`${key}: missing from the document`);
        continue;
      }
      if (!op.summary || !/[\u4e00-\u9fff]/.test(op.summary)) problems.push(`${key}: no Chinese summary`);
      if (!op.tags?.length) problems.push(`${key}: no tag`);
      for (const name of r.path.match(/:(\w+)/g)?.map((p) => p.slice(1)) ?? [])
        if (!op.parameters?.some((p) => p.in === 'path' && p.name === name))
          problems.push(`${key}: path parameter ${name} not described`);
      if (!r.policy.public) {
        for (const status of ['401', '403'])
          if (
            op.responses[status]?.content?.['application/json']?.schema?.$ref !==
            '#/components/schemas/ErrorResponseDto'
          )
            problems.push(`${key}: ${status} not described as ErrorResponseDto`);
      }
    }
    expect(problems).toEqual([]);
    // nothing else: neither the HTML pages nor the docs themselves
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(documented).toHaveLength(json.length);
    expect(documented.filter((k) => !k.includes(' /api/'))).toEqual([]);
  });

  it('spells out the error shape and the request bodies with Chinese descriptions and examples', () => {
    const error = doc.components.schemas.ErrorResponseDto as {
      required: string[];
      properties: Record<string, { enum?: string[]; description?: string }>;
    };
    expect(error.required).toEqual(expect.arrayContaining(['code', 'message', 'where', 'details']));
    expect(error.properties.code.enum).toEqual(
      expect.arrayContaining(['VALIDATION_FAILED', 'CONFLICT', 'UNAUTHENTICATED']),
    );
    const save = doc.components.schemas.SaveReportDto as {
      properties: Record<string, { description?: string; example?: unknown; type?: string }>;
    };
    expect(Object.keys(save.properties)).toEqual(
      expect.arrayContaining(['spending', 'adjustments', 'overspendExplanation', 'values']),
    );
    for (const [name, prop] of Object.entries(save.properties))
      expect([name, /[\u4e00-\u9fff]/.test(prop.description ?? '')]).toEqual([name, true]);
    const spending = doc.components.schemas.SpendingDto as { properties: { amount: { example?: unknown } } };
    expect(typeof spending.properties.amount.example).toBe('string');
    const login = doc.paths['/api/auth/login'].post as Operation & {
      requestBody?: { content: Record<string, { schema: { $ref: string } }> };
    };
    expect(login.requestBody?.content['application/json'].schema.$ref).toBe('#/components/schemas/LoginDto');
  });

  it('serves Swagger UI and the document to administrators only, under the app’s strict CSP', async () => {
    const page = await admin.get('/api/docs').expect(200);
    expect(page.text).toContain('<html lang="zh-CN">');
    // the same strict policy as every page: no inline script or style
    expect(page.headers['content-security-policy']).toContain("script-src 'self';");
    expect(page.headers['content-security-policy']).toMatch(/style-src 'self'(;|$)/);
    await admin
      .get('/api/docs/assets/swagger-ui-bundle.js')
      .expect(200)
      .expect('content-type', /javascript/);
    await admin.get('/api/docs/assets/swagger-ui.css').expect(200).expect('content-type', /css/);
    await admin.get('/api/docs/assets/..%2Fpackage.json').expect(404);
    await admin.get('/api/docs/init.js').expect(200);

    const others = [];
    for (const role of ['reporter', 'head', 'evaluator'] as const)
      others.push({ role, agent: (await signedIn(app, role, role === 'evaluator' ? {} : { unitCode: '501' })).agent });
    for (const url of ['/api/docs', '/api/docs.json', '/api/docs/init.js', '/api/docs/assets/swagger-ui.css']) {
      const anonymous = await request(app.getHttpServer()).get(url);
      expect([url, anonymous.status, anonymous.body.code]).toEqual([url, 401, 'UNAUTHENTICATED']);
      for (const { role, agent } of others) {
        const res = await agent.get(url);
        expect([url, role, res.status, res.body.code]).toEqual([url, role, 403, 'FORBIDDEN']);
      }
    }
  }, 60_000);

  it('renders Swagger UI in Chromium under the strict CSP: every tag and operation, a schema opened, nothing blocked', async () => {
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const browser = await puppeteer.launch(chromiumLaunchOptions(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'));
    try {
      const page = await browser.newPage();
      // what the page's CSP refused, as the browser reports it to the page
      await page.evaluateOnNewDocument(() => {
        const seen: string[] = ((window as unknown as { blocked: string[] }).blocked = []);
        document.addEventListener('securitypolicyviolation', (e) =>
          seen.push(`${e.violatedDirective} ${e.blockedURI}`),
        );
      });
      await page.goto(`${base}/login`, { waitUntil: 'load' });
      await page.type('#username', 'docs-admin');
      await page.type('#password', TEST_PASSWORD);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[type=submit]')]);
      await page.goto(`${base}/api/docs`, { waitUntil: 'load' });
      await page.waitForSelector('.swagger-ui .opblock', { timeout: 20_000 });
      const shown = await page.evaluate(() => ({
        title: document.querySelector('.swagger-ui .title')?.textContent ?? '',
        operations: document.querySelectorAll('.swagger-ui .opblock').length,
        tags: Array.from(document.querySelectorAll('.swagger-ui .opblock-tag')).map((e) => e.getAttribute('data-tag')),
      }));
      // open one operation: its parameters, body schema and example render too
      await page.click('#operations-季度填报（双监控）-ActualsController_save .opblock-summary-control');
      await page.waitForSelector('.opblock.is-open .model-example', { timeout: 10_000 });
      const operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
      expect(shown.title).toContain('绩效自评 selfeval API');
      expect(shown.operations).toBe(operations);
      expect(shown.tags).toEqual(expect.arrayContaining(['绩效目标表', '季度填报（双监控）', '年终自评', '用户管理']));
      expect(await page.evaluate(() => (window as unknown as { blocked: string[] }).blocked)).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
