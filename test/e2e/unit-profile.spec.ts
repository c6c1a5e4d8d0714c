import * as fs from 'node:fs';
import * as path from 'node:path';
import puppeteer, { Browser } from 'puppeteer-core';
import request from 'supertest';
import { chromiumLaunchOptions } from '@selfeval/reports';
import { Agent, TEST_PASSWORD } from '../helpers/auth';
import { pdfText, savePage1Png } from '../helpers/pdf';
import { describePg } from '../helpers/postgres';
import { LUKOU_YEAR_END, Stack, startStack } from '../helpers/stack';

const ARTIFACTS = path.join(__dirname, '../../test-artifacts');
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const csrfOf = (html: string) => {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no _csrf field on the page');
  return m[1];
};
const versionOf = (html: string) => /name="version" value="(\d+)"/.exec(html)?.[1];
/** What a field shows: an input's value or a textarea's text (as Handlebars escaped it). */
const fieldValue = (html: string, name: string) =>
  new RegExp(`<textarea id="${name}"[^>]*>([^<]*)</textarea>`).exec(html)?.[1] ??
  new RegExp(`<input [^>]*id="${name}" name="${name}" value="([^"]*)"`).exec(html)?.[1];
const errorOf = (html: string, name: string) =>
  new RegExp(`<p class="field-error" id="${name}-error">([^<]*)</p>`).exec(html)?.[1];
/** pdftotext wraps long lines: compare without whitespace */
const flat = (s: string) => s.replace(/\s+/g, '');

/**
 * 单位概况 and 自评报告正文 through the pages only (issue 13): forms posted as a browser posts them
 * (session cookie, _csrf from the page, no API header), errors beside their fields with everything
 * typed kept, and the department 自评报告 PDF read back with the profile and the sections.
 */
describePg('单位概况 and 自评报告正文 pages: filled by the unit, printed in the 自评报告', () => {
  let stack: Stack;
  let unitId: string;
  let departmentId: string;
  let projectId: string;
  let reporter: Agent;
  let admin: Agent;
  let browser: Browser | undefined;

  /** A cookie-only agent signed in through the login page, like a browser. */
  async function pageAgent(role: 'reporter' | 'head' | 'evaluator' | 'admin'): Promise<Agent> {
    const agent = request.agent(stack.app.getHttpServer());
    const login = await agent.get('/login').expect(200);
    const username = stack.accounts.get(role)?.username ?? '';
    await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfOf(login.text), username, password: TEST_PASSWORD })
      .expect(303);
    return agent;
  }

  /** Opens the page, then posts its form with the page's _csrf and version (unless given). */
  async function postForm(agent: Agent, url: string, fields: Record<string, string>) {
    const page = await agent.get(url).expect(200);
    return agent
      .post(url)
      .type('form')
      .redirects(0)
      .send({ _csrf: csrfOf(page.text), version: versionOf(page.text) ?? '', ...fields });
  }

  beforeAll(async () => {
    stack = await startStack({ ...LUKOU_YEAR_END, listen: true });
    departmentId = stack.sheets.find((s) => s.kind === 'department')!.id;
    projectId = stack.sheets.find((s) => s.kind === 'project')!.id;
    const listed = (await stack.users.admin.get('/api/targets/sheets').expect(200)).body as { unitId: string }[];
    unitId = listed[0].unitId;
    reporter = await pageAgent('reporter');
    admin = await pageAgent('admin');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('links the unit’s profile from the navigation; a bad save re-renders the form with every value and each error beside its field', async () => {
    const home = await reporter.get('/').expect(200);
    expect(home.text).toContain(`<a href="/units/${unitId}/profile">单位概况</a>`);
    const typed = {
      functions: '受理人民群众来信来访，<b>协调</b>处理重要信访问题。',
      organization: '内设办公室、来访接待股、督查督办股 3 个股室。',
      staffQuota: '十五',
      staffActual: '14',
      staffNotes: '另有退休人员 6 人。',
      contactPerson: '李华',
      contactPhone: '0731-22881234',
      contactEmail: 'lukou@',
    };
    const res = await postForm(reporter, `/units/${unitId}/profile`, typed);
    expect(res.status).toBe(422);
    expect(errorOf(res.text, 'staffQuota')).toBe('“编制数”应为不小于 0 的整数（人），现为“十五”');
    expect(errorOf(res.text, 'contactEmail')).toBe('“联系邮箱”格式不正确，应如 name@example.gov.cn');
    expect(errorOf(res.text, 'functions')).toBeUndefined();
    expect(res.text).toContain('aria-invalid="true"');
    // everything typed is still in the form (escaped), the bad values too
    expect(fieldValue(res.text, 'functions')).toBe('受理人民群众来信来访，&lt;b&gt;协调&lt;/b&gt;处理重要信访问题。');
    expect(fieldValue(res.text, 'staffQuota')).toBe('十五');
    expect(fieldValue(res.text, 'contactEmail')).toBe('lukou@');
    expect(fieldValue(res.text, 'contactPerson')).toBe('李华');
    // nothing half-saved
    const stored = (await stack.users.admin.get(`/api/units/${unitId}/profile`).expect(200)).body;
    expect(stored).toMatchObject({ version: 0, functions: null, contactPerson: null, contactEmail: null });

    const ok = await postForm(reporter, `/units/${unitId}/profile`, {
      ...typed,
      staffQuota: '15',
      contactEmail: 'lukou@example.gov.cn',
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/units/${unitId}/profile?saved=1`);
    const saved = await reporter.get(ok.headers.location).expect(200);
    expect(saved.text).toContain('单位概况已保存');
    expect(fieldValue(saved.text, 'staffQuota')).toBe('15');
    expect((await stack.users.admin.get(`/api/units/${unitId}/profile`).expect(200)).body).toMatchObject({
      version: 1,
      functions: typed.functions,
      staffQuota: 15,
      staffActual: 14,
      contactEmail: 'lukou@example.gov.cn',
    });
  });

  it('refuses a save on top of someone else’s: stored and typed side by side, nothing overwritten', async () => {
    const page = await reporter.get(`/units/${unitId}/profile`).expect(200);
    // the administrator changes the e-mail meanwhile, through the API
    await stack.users.admin
      .put(`/api/units/${unitId}/profile`)
      .send({ contactEmail: 'xinfang@example.gov.cn', version: 1 })
      .expect(200);
    const res = await reporter
      .post(`/units/${unitId}/profile`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), version: versionOf(page.text), contactEmail: 'other@example.gov.cn' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('保存冲突：已被他人修改');
    expect(res.text).toMatch(
      /联系邮箱<\/th>\s*<td class="stored"[^>]*>xinfang@example\.gov\.cn<\/td>\s*<td class="typed"[^>]*>other@example\.gov\.cn/,
    );
    expect(fieldValue(res.text, 'contactEmail')).toBe('other@example.gov.cn');
    expect((await stack.users.admin.get(`/api/units/${unitId}/profile`)).body.contactEmail).toBe(
      'xinfang@example.gov.cn',
    );
  });

  it('lets one of three saves at the same version through, the others 409 (one conditional write)', async () => {
    const { version } = (await stack.users.admin.get(`/api/units/${unitId}/profile`).expect(200)).body;
    const results = await Promise.all(
      ['甲', '乙', '丙'].map((name) =>
        stack.users.reporter.put(`/api/units/${unitId}/profile`).send({ contactPerson: name, version }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const winner = results.find((r) => r.status === 200)!.body;
    expect(winner.version).toBe(version + 1);
    // put the contact back for the tests below
    await stack.users.reporter
      .put(`/api/units/${unitId}/profile`)
      .send({ contactPerson: '李华', version: version + 1 })
      .expect(200);
  });

  it('lets the administrator set any unit’s e-mail from the unit list; the evaluator reads only', async () => {
    const list = await admin.get('/units').expect(200);
    expect(list.text).toContain(`href="/units/${unitId}/profile"`);
    expect(list.text).toContain('xinfang@example.gov.cn');
    const res = await postForm(admin, `/units/${unitId}/profile`, { contactEmail: 'lukou@example.gov.cn' });
    expect(res.status).toBe(303);
    expect((await stack.users.admin.get(`/api/units/${unitId}/profile`)).body).toMatchObject({
      contactEmail: 'lukou@example.gov.cn',
      contactPerson: '李华', // fields the form did not post are kept
    });
    const evaluator = await pageAgent('evaluator');
    const page = await evaluator.get(`/units/${unitId}/profile`).expect(200);
    expect(page.text).toContain('<fieldset class="card" disabled>');
    expect(page.text).not.toContain('保存单位概况');
    await evaluator
      .post(`/units/${unitId}/profile`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), contactEmail: 'x@example.gov.cn' })
      .expect(403);
    await stack.users.evaluator
      .put(`/api/units/${unitId}/profile`)
      .send({ contactEmail: 'x@example.gov.cn' })
      .expect(403);
  });

  it('shows a box for every section of the outline; an overlong section is named beside its box, nothing saved', async () => {
    const evaluation = await reporter.get(`/sheets/${departmentId}/evaluation`).expect(200);
    expect(evaluation.text).toContain(`href="/sheets/${departmentId}/report-text"`);
    const page = await reporter.get(`/sheets/${departmentId}/report-text`).expect(200);
    for (const id of ['profile', 'general-budget', 'fund-budget', 'performance', 'problems', 'measures'])
      expect(fieldValue(page.text, `section_${id}`)).toBe('');
    expect(page.text).toContain('七、绩效自评结果拟应用和公开情况');
    expect(page.text).toContain('八、其他需要说明的情况');
    const res = await postForm(reporter, `/sheets/${departmentId}/report-text`, {
      section_application: '自评结果在单位门户网站公开，并用于2027年预算安排。',
      section_other: '字'.repeat(8001),
    });
    expect(res.status).toBe(422);
    expect(errorOf(res.text, 'section_other')).toBe('“八、其他需要说明的情况”超过 8000 字（现 8001 字）');
    expect(fieldValue(res.text, 'section_application')).toBe('自评结果在单位门户网站公开，并用于2027年预算安排。');
    expect(fieldValue(res.text, 'section_other')).toHaveLength(8001);
    const ev = await stack.users.admin.get(`/api/evaluations/${departmentId}`);
    expect(ev.status === 404 || !ev.body.reportTexts?.application).toBe(true);

    const ok = await postForm(reporter, `/sheets/${departmentId}/report-text`, {
      section_profile: '全年受理群众来信来访 1,236 件次。',
      section_application: '自评结果在单位门户网站公开，并用于2027年预算安排。',
      section_other: '本年度无其他需要说明的情况。',
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/sheets/${departmentId}/report-text?saved=1`);
    const again = await reporter.get(ok.headers.location).expect(200);
    expect(again.text).toContain('报告正文已保存');
    expect(fieldValue(again.text, 'section_other')).toBe('本年度无其他需要说明的情况。');
    // a project sheet has no narrative: its page says so and leads to the department's
    const project = await reporter.get(`/sheets/${projectId}/report-text`).expect(200);
    expect(project.text).toContain(`href="/sheets/${departmentId}/report-text"`);
    expect(project.text).not.toContain('id="report-text-form"');
  });

  it('prints 一 部门基本情况 from the profile and 七、八 from the page in the 自评报告 PDF', async () => {
    const { admin: api } = stack.users;
    await stack.yearEndAtTargets(stack.sheets);
    await api.post(`/api/evaluations/${departmentId}/report`).expect(201);
    const pdf = await stack.rendered(departmentId, 'department-report');
    savePage1Png(pdf, 'department-report-unit-profile'); // for a person to look at
    const text = flat(pdfText(pdf));
    const section = (from: string, to: string) => text.slice(text.indexOf(flat(from)), text.indexOf(flat(to)));
    const one = section('一、部门基本情况', '二、一般公共预算支出情况');
    expect(one).toContain(flat('（一）部门职能：受理人民群众来信来访，<b>协调</b>处理重要信访问题。'));
    expect(one).toContain(flat('（二）机构设置：内设办公室、来访接待股、督查督办股 3 个股室。'));
    expect(one).toContain(flat('（三）人员情况：编制数 15 人，实有人数 14 人。另有退休人员 6 人。'));
    expect(one).toContain(flat('全年受理群众来信来访 1,236 件次。'));
    expect(one).not.toContain('单位未填写');
    expect(section('七、绩效自评结果拟应用和公开情况', '八、其他需要说明的情况')).toContain(
      flat('自评结果在单位门户网站公开，并用于2027年预算安排。'),
    );
    // the annexed 自评表's signature block: 填表人 and 联系电话 from the profile
    expect(text).toContain(flat('填表人：李华'));
    expect(text).toContain(flat('联系电话：0731-22881234'));
    const eight = section('八、其他需要说明的情况', '附件1');
    expect(eight).toContain(flat('本年度无其他需要说明的情况。'));
    expect(eight).not.toContain('单位未填写本节内容');
  }, 300_000);

  it('keeps the typed text when the evaluation was submitted meanwhile (409, the form shown closed)', async () => {
    await stack.users.head.post(`/api/evaluations/${departmentId}/submit`).expect(201);
    const page = await reporter.get(`/sheets/${departmentId}/report-text`).expect(200);
    expect(page.text).toContain('自评已提交评审，评审人退回后才能修改报告正文。');
    const res = await reporter
      .post(`/sheets/${departmentId}/report-text`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), version: versionOf(page.text), section_other: '补充：已整改完毕。' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('自评已提交，评审人退回后才能修改');
    expect(fieldValue(res.text, 'section_other')).toBe('补充：已整改完毕。');
    expect((await stack.users.admin.get(`/api/evaluations/${departmentId}`)).body.reportTexts.other).toBe(
      '本年度无其他需要说明的情况。',
    );
  });

  it('reads on a 390 px phone: no sideways scrolling, every box full width', async () => {
    browser = await puppeteer.launch(chromiumLaunchOptions(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'));
    const page = await browser.newPage();
    await page.setViewport({ width: 390, height: 844 });
    await page.goto(`${stack.url}/login`, { waitUntil: 'load' });
    await page.type('#username', stack.accounts.get('reporter')?.username ?? '');
    await page.type('#password', TEST_PASSWORD);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[type=submit]')]);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    for (const [name, url, box] of [
      ['unit-profile', `/units/${unitId}/profile`, '#functions'],
      ['report-text', `/sheets/${departmentId}/report-text`, '#section_application'],
      ['units', '/units', '#units'],
    ]) {
      await page.goto(`${stack.url}${url}`, { waitUntil: 'load' });
      await page.screenshot({ path: path.join(ARTIFACTS, `ui-390-${name}.png`), fullPage: true });
      const layout = await page.evaluate((sel) => {
        const el = document.querySelector(sel);
        return {
          scroll: document.documentElement.scrollWidth,
          box: el ? el.getBoundingClientRect().width : 0,
        };
      }, box);
      expect({ name, scroll: layout.scroll }).toEqual({ name, scroll: 390 });
      expect(layout.box).toBeGreaterThan(300);
      // axe-core: no serious or critical finding (labels, described-by ids, contrast)
      await page.evaluate(AXE_SOURCE);
      const findings = await page.evaluate(async () => {
        type Axe = { run(): Promise<{ violations: { id: string; impact: string | null }[] }> };
        const axe = (window as unknown as { axe: Axe }).axe;
        return (await axe.run()).violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => v.id);
      });
      expect({ name, findings }).toEqual({ name, findings: [] });
    }
  }, 60_000);
});
