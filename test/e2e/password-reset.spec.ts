import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { hashResetToken, issueResetToken, UsersService } from '@selfeval/auth';
import { PasswordResetEntity } from '@selfeval/db';
import { Job, JobProducer, Queue } from '@selfeval/jobs';
import { Agent, login, TEST_PASSWORD } from '../helpers/auth';
import { describePg } from '../helpers/postgres';
import type { SmtpCatcher } from '../helpers/smtp-catcher';
import { Stack, startStack } from '../helpers/stack';

const NEW_PASSWORD = 'Reset-pass-2026';

describePg('password reset by mail: real app, real worker, real SMTP server', () => {
  let stack: Stack;
  let app: NestExpressApplication;
  let smtp: SmtpCatcher;
  let admin: Agent;

  beforeAll(async () => {
    stack = await startStack({
      worker: true,
      smtp: true,
      config: (c) => ({
        ...c,
        mail: { ...c.mail, from: '绩效自评系统 <selfeval@czj.example.gov.cn>', outboxDir: '/nonexistent' },
        publicUrl: 'https://jxzp.example.gov.cn',
      }),
    });
    app = stack.app;
    smtp = stack.smtp!;
    admin = stack.users.admin;
  });
  afterAll(() => stack?.close());

  const anonymous = async () => {
    const agent = request.agent(app.getHttpServer());
    const { body } = await agent.get('/api/auth/session').expect(200);
    agent.set('X-CSRF-Token', body.csrfToken);
    return agent;
  };
  const mailTo = (address: string, nth = 1) =>
    smtp.received((m) => !!m.to && JSON.stringify(m.to).includes(address), `reset mail ${nth} to ${address}`, nth);
  const tokenOf = (mail: ParsedMail) => {
    const m = /https:\/\/jxzp\.example\.gov\.cn\/password-reset\?token=([A-Za-z0-9_-]{43})/.exec(mail.text ?? '');
    if (!m) throw new Error(`no reset link in ${mail.text}`);
    return m[1];
  };
  const createUser = async (username: string, email: string | null) =>
    (
      await app
        .get(UsersService)
        .create({ username, displayName: '王会计', role: 'admin', email, password: TEST_PASSWORD })
    ).user;

  it('mails a single-use link; using it sets the password and ends every session of the user', async () => {
    const user = await createUser('wang.kj', 'wang@unit.example.cn');
    const laptop = await login(app, 'wang.kj', TEST_PASSWORD);
    const phone = await login(app, 'wang.kj', TEST_PASSWORD);
    await laptop.get('/api/users').expect(200);

    const asked = await (await anonymous()).post('/api/auth/password-reset').send({ username: 'wang.kj' }).expect(202);
    const mail = await mailTo('wang@unit.example.cn');
    expect(mail.subject).toBe('【绩效自评】重置密码');
    expect(mail.text).toContain('王会计（wang.kj）');
    expect(mail.text).toContain('30 分钟内');
    const token = tokenOf(mail);

    // at rest only the hash: the row holds SHA-256(token), never the token
    const rows = await app.get(DataSource).getRepository(PasswordResetEntity).findBy({ userId: user.id });
    expect(rows).toHaveLength(1);
    expect(rows[0].tokenHash).toBe(hashResetToken(token));
    expect(rows[0].tokenHash).not.toContain(token);
    expect(rows[0].expiresAt.getTime() - Date.now()).toBeGreaterThan(29 * 60_000);

    const anon = await anonymous();
    const weak = await anon.post('/api/auth/password-reset/confirm').send({ token, newPassword: 'short' }).expect(422);
    expect(weak.body.message).toContain('密码至少 10 位');
    await anon.post('/api/auth/password-reset/confirm').send({ token, newPassword: NEW_PASSWORD }).expect(200);

    await laptop.get('/api/users').expect(401);
    await phone.get('/api/users').expect(401);
    await expect(login(app, 'wang.kj', TEST_PASSWORD)).rejects.toThrow(/401/);
    await (await login(app, 'wang.kj', NEW_PASSWORD)).get('/api/users').expect(200);

    const again = await anon
      .post('/api/auth/password-reset/confirm')
      .send({ token, newPassword: 'Another-pass-2026' })
      .expect(422);
    expect(again.body).toMatchObject({
      message: '重置链接无效、已使用或已过期，请重新申请',
      where: { field: 'token' },
    });
    // the same answer for an account that does not exist (no user enumeration)
    const unknown = await anon.post('/api/auth/password-reset').send({ username: 'nobody.here' }).expect(202);
    expect(unknown.body).toEqual(asked.body);
  });

  it('refuses an expired token, and a token retired by a newer one', async () => {
    const user = await createUser('li.cn', 'li@unit.example.cn');
    const ds = app.get(DataSource);
    const old = await issueResetToken(ds, user.id, new Date(Date.now() - 31 * 60_000));
    const anon = await anonymous();
    await anon
      .post('/api/auth/password-reset/confirm')
      .send({ token: old!.token, newPassword: NEW_PASSWORD })
      .expect(422);

    const first = await issueResetToken(ds, user.id);
    // an administrator sends a reset mail: the earlier token stops working, the mailed one works
    await admin.post(`/api/users/${user.id}/password-reset-mail`).expect(202);
    const token = tokenOf(await mailTo('li@unit.example.cn'));
    await anon
      .post('/api/auth/password-reset/confirm')
      .send({ token: first!.token, newPassword: NEW_PASSWORD })
      .expect(422);
    await anon.post('/api/auth/password-reset/confirm').send({ token, newPassword: NEW_PASSWORD }).expect(200);
    await login(app, 'li.cn', NEW_PASSWORD);
  });

  it('tells the administrator when the user has no address, and sends at most 3 mails per account and hour', async () => {
    const silent = await createUser('no.mail', null);
    const res = await admin.post(`/api/users/${silent.id}/password-reset-mail`).expect(422);
    expect(res.body.message).toBe('用户“no.mail”没有登记邮箱，无法发送重置邮件');

    const zhao = await createUser('zhao.cn', 'zhao@unit.example.cn');
    const anon = await anonymous();
    for (let i = 0; i < 5; i++) await anon.post('/api/auth/password-reset').send({ username: 'zhao.cn' }).expect(202);
    // the limit is applied before a mail job is enqueued: three jobs exist, and once they are done, three mails
    const queued = (await app.get(JobProducer).queue(Queue.Mail).getJobs())
      .filter((j) => j.name === Job.MailPasswordReset && j.data.userId === zhao.id)
      .map((j) => j.id!);
    expect(queued).toHaveLength(3);
    for (const id of queued) await stack.jobs.done(Queue.Mail, id, `reset mail job ${id}`);
    expect(smtp.messages.filter((m) => JSON.stringify(m.to).includes('zhao@unit.example.cn'))).toHaveLength(3);
  });

  it('offers the reset in the pages: a link on the sign-in page, a form from the mailed link', async () => {
    const user = await createUser('sun.cn', 'sun@unit.example.cn');
    const anon = await anonymous();
    expect((await anon.get('/login').expect(200)).text).toContain('href="/password-reset"');
    const issued = await issueResetToken(app.get(DataSource), user.id);
    const page = await anon.get(`/password-reset?token=${issued!.token}`).expect(200);
    expect(page.text).toContain(`name="token" value="${issued!.token}"`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    await anon
      .post('/password-reset')
      .type('form')
      .send({ _csrf: csrf, token: issued!.token, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })
      .expect(303)
      .expect('Location', '/login');
    await login(app, 'sun.cn', NEW_PASSWORD);
  });
});
