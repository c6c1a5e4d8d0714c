import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource, Like } from 'typeorm';
import { MailDeliveryEntity } from '@selfeval/db';
import { Job, JobProducer, Queue } from '@selfeval/jobs';
import type { Agent } from '../helpers/auth';
import { describePg } from '../helpers/postgres';
import { Stack, startStack } from '../helpers/stack';

interface Received {
  path: string;
  status: number;
  body: { msgtype?: string; text?: { content?: string } };
}

/**
 * A local HTTP receiver playing 企业微信 and 钉钉: the first POST of each fails (a 502, a redirect
 * to a page that must never be fetched), the retry is answered like the real robots do.
 */
function startRobotReceiver() {
  const received: Received[] = [];
  const stolen: string[] = [];
  const seen = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/stolen') {
        stolen.push(raw);
        return res.end('{"errcode":0}');
      }
      const n = (seen.get(path) ?? 0) + 1;
      seen.set(path, n);
      let status = 200;
      if (n === 1 && path === '/cgi-bin/webhook/send') status = 502;
      if (n === 1 && path === '/robot/send') status = 302;
      received.push({ path, status, body: JSON.parse(raw || '{}') });
      if (status === 302) res.writeHead(302, { location: '/stolen' }).end();
      else if (status !== 200) res.writeHead(status).end('bad gateway');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  return new Promise<{ url: string; received: Received[]; stolen: string[]; stop: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        received,
        stolen,
        stop: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

describePg('group-robot notices (企业微信 / 钉钉) by webhook, against a local receiver', () => {
  let stack: Stack;
  let robots: Awaited<ReturnType<typeof startRobotReceiver>>;
  let admin: Agent;

  beforeAll(async () => {
    robots = await startRobotReceiver();
    // 渌口 (2026) and 沅江 (2024), every sheet approved, both first quarters closing tomorrow: within reminderDays
    stack = await startStack({
      seed: ['004', '000'],
      approve: true,
      periods: ['2026/Q1', '2024/Q1'],
      worker: true,
      config: (c) => ({ ...c, webhooks: { allowLoopback: true, timeoutMs: 2_000 }, reminderDays: 3 }),
    });
    admin = stack.users.admin;
  });

  afterAll(async () => {
    await stack?.close();
    await robots?.stop();
  });

  /** Every robot notice job queued so far, once each has its final outcome (BullMQ's retries included). */
  const noticesSettled = async () => {
    const queued = (await stack.app.get(JobProducer).queue(Queue.Mail).getJobs()).filter(
      (j) => j.name === Job.SendWebhook,
    );
    for (const j of queued) await stack.jobs.done(Queue.Mail, j.id!, `robot notice ${j.id}`);
    return queued.length;
  };

  const contact = (unit: string, body: object) =>
    admin.put(`/api/units/${encodeURIComponent(unit)}/contact`).send(body);

  it('accepts only the robots’ https addresses (here also the local receiver) and never echoes the key', async () => {
    const refused = [
      ['http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', '必须以 https:// 开头'],
      ['https://intranet.example/cgi-bin/webhook/send?key=k', '只支持企业微信'],
      ['https://oapi.dingtalk.com/cgi-bin/webhook/send?access_token=t', '路径不对'],
      ['not a url', '不是有效的网址'],
    ];
    for (const [webhookUrl, why] of refused) {
      const res = await contact('株洲市渌口区信访局', { email: 'lukou@example.gov.cn', webhookUrl }).expect(422);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', where: { field: 'webhookUrl' } });
      expect(res.body.message).toContain(why);
    }
    const wecom = await contact('株洲市渌口区信访局', {
      email: 'lukou@example.gov.cn',
      webhookUrl: `${robots.url}/cgi-bin/webhook/send?key=secret-wecom-key`,
    }).expect(200);
    expect(wecom.body.webhookUrl).toBe('（已设置）');
    expect(JSON.stringify(wecom.body)).not.toContain('secret-wecom-key');
    await contact('沅江市信访局', {
      email: 'yuanjiang@example.gov.cn',
      webhookUrl: `${robots.url}/robot/send?access_token=secret-ding`,
    }).expect(200);
  });

  it('posts each reminder to the unit’s group once; a 502 and a redirect are retried by BullMQ, never followed', async () => {
    const producer = stack.worker!.get(JobProducer);
    await producer.enqueueAndWait(Job.SendReminders, {}, 20_000);
    const delivered = () => robots.received.filter((r) => r.status === 200);
    expect(await noticesSettled()).toBe(2);
    expect(delivered()).toHaveLength(2);

    const wecom = robots.received.filter((r) => r.path === '/cgi-bin/webhook/send');
    expect(wecom.map((r) => r.status)).toEqual([502, 200]);
    expect(wecom[1].body.msgtype).toBe('text');
    expect(wecom[1].body.text!.content).toMatch(
      /^【绩效运行监控】2026年一季度（1–3月）填报将于 \d{4}-\d{2}-\d{2} 截止（株洲市渌口区信访局）\n/,
    );
    expect(wecom[1].body.text!.content).toContain('  1. 部门整体支出绩效目标表\n');
    const dingtalk = robots.received.filter((r) => r.path === '/robot/send');
    expect(dingtalk.map((r) => r.status)).toEqual([302, 200]);
    expect(dingtalk[1].body.text!.content).toMatch(
      /^【绩效运行监控】2024年一季度（1–3月）填报将于 .*（沅江市信访局）\n/,
    );
    // the redirect's target was never fetched
    expect(robots.stolen).toEqual([]);

    const rows = await stack.app
      .get(DataSource)
      .getRepository(MailDeliveryEntity)
      .findBy({ dedupeKey: Like('robot-%') });
    expect(
      rows
        .map((r) => ({ status: r.status, attempts: r.attempts, recipient: r.recipient }))
        .sort((a, b) => a.recipient.localeCompare(b.recipient)),
    ).toEqual(
      [
        { status: 'sent', attempts: 2, recipient: '企业微信群机器人（株洲市渌口区信访局）' },
        { status: 'sent', attempts: 2, recipient: '钉钉群机器人（沅江市信访局）' },
      ].sort((a, b) => a.recipient.localeCompare(b.recipient)),
    );
    expect(JSON.stringify(rows)).not.toContain('secret');

    // next morning, or the reminder job retried: the group is not told twice
    await producer.enqueueAndWait(Job.SendReminders, {}, 20_000);
    expect(await noticesSettled()).toBe(2);
    expect(delivered()).toHaveLength(2);
  });
});
