import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { MailDeliveryEntity } from '@selfeval/db';
import { Job, JobProducer } from '@selfeval/jobs';
import { createApi } from '../../apps/api/src/create-api';
import { createWorker } from '../../apps/worker/src/create-worker';
import { Agent, signedIn } from '../helpers/auth';
import { testConfig } from '../helpers/config';
import { seedFile } from '../helpers/fixtures';
import { createPgSchema, describePg } from '../helpers/postgres';
import { waitFor } from '../helpers/wait-for';

const DAY = 86_400_000;

/** A local 企业微信 robot: answers every POST like the real one and keeps what it got. */
function startRobot() {
  const received: { path: string; content: string }[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as { text?: { content?: string } };
      received.push({ path: (req.url ?? '').split('?')[0], content: body.text?.content ?? '' });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  return new Promise<{ url: string; received: typeof received; stop: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        received,
        stop: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

/** Deadline reminders reach a unit by whatever it registered: only a robot, only an e-mail, each alone. */
describePg('deadline reminders for a unit with only a group robot (no e-mail)', () => {
  let app: NestExpressApplication;
  let worker: INestApplicationContext;
  let robot: Awaited<ReturnType<typeof startRobot>>;
  let drop: () => Promise<void>;
  let admin: Agent;

  beforeAll(async () => {
    const pg = await createPgSchema();
    drop = pg.drop;
    robot = await startRobot();
    const config = {
      ...testConfig({ database: pg.db }),
      webhooks: { allowLoopback: true, timeoutMs: 2_000 },
      reminderDays: 3,
    };
    app = await createApi(config);
    await app.init();
    admin = (await signedIn(app, 'admin')).agent;
    worker = await createWorker(config);
    await admin.post('/api/targets/import').attach('files', seedFile('004')).expect(201);
    await admin.post('/api/targets/import').attach('files', seedFile('000')).expect(201);
    for (const unit of ['株洲市渌口区信访局', '沅江市信访局']) {
      const sheets = (await admin.get(`/api/targets/sheets?unit=${encodeURIComponent(unit)}`).expect(200)).body;
      for (const s of sheets) await admin.post(`/api/targets/sheets/${s.id}/approve`).expect(201);
    }
    const now = Date.now();
    for (const year of [2026, 2024])
      await admin
        .put(`/api/actuals/periods/${year}/Q1`)
        .send({ opensAt: new Date(now - 30 * DAY).toISOString(), closesAt: new Date(now + 2 * DAY).toISOString() })
        .expect(200);
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await robot?.stop();
    await drop?.();
  });

  it('posts the robot reminder to the robot-only unit and mails only the unit with an e-mail', async () => {
    await admin
      .put(`/api/units/${encodeURIComponent('株洲市渌口区信访局')}/contact`)
      .send({ webhookUrl: `${robot.url}/cgi-bin/webhook/send?key=robot-only` })
      .expect(200);
    await admin
      .put(`/api/units/${encodeURIComponent('沅江市信访局')}/contact`)
      .send({ email: 'yuanjiang@example.gov.cn' })
      .expect(200);

    const result = await worker.get(JobProducer).enqueueAndWait(Job.SendReminders, {}, 20_000);
    expect(result).toEqual({ sent: 1, skipped: 0 });
    await waitFor(async () => (robot.received.length ? true : undefined), 'the robot reminder', 20_000);
    expect(robot.received).toHaveLength(1);
    expect(robot.received[0].content).toMatch(
      /^【绩效运行监控】2026年一季度（1–3月）填报将于 \d{4}-\d{2}-\d{2} 截止（株洲市渌口区信访局）\n/,
    );

    const rows = await app.get(DataSource).getRepository(MailDeliveryEntity).find();
    expect(rows.map((r) => r.recipient).sort()).toEqual(
      ['yuanjiang@example.gov.cn', '企业微信群机器人（株洲市渌口区信访局）'].sort(),
    );
    // no robot was posted for the e-mail-only unit
    await new Promise((r) => setTimeout(r, 1_000));
    expect(robot.received).toHaveLength(1);
  }, 60_000);
});
