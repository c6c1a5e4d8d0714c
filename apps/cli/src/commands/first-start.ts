import * as fs from 'node:fs';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PeriodsService } from '@selfeval/actuals';
import { UsersService } from '@selfeval/auth';
import { TargetSheetEntity, UnitEntity, UserAccountEntity } from '@selfeval/db';
import { PERIODS, Role, ROLE_LABELS } from '@selfeval/domain';
import { importFiles, parseFiles, TargetsService } from '@selfeval/targets';
import Table from 'cli-table3';

export function seedsDir(): string {
  for (const up of ['../../../..', '../../../../..']) {
    const dir = path.join(__dirname, up, 'demo', 'seeds');
    if (fs.existsSync(dir)) return dir;
  }
  throw new Error(`demo/seeds not found from ${__dirname}`);
}

export interface DemoAccount {
  username: string;
  role: Role;
  unit: string | null;
  oneTimePassword: string;
}

const DAY = 86_400_000;

/**
 * First start on an empty database: the five seed documents (approved, with open reporting
 * periods) and one account per role with a one-time password, so a newcomer can try every role.
 * Does nothing once any account exists.
 */
export async function seedFirstStart(app: INestApplication): Promise<DemoAccount[] | null> {
  const ds = app.get(DataSource);
  if ((await ds.getRepository(UserAccountEntity).count()) > 0) return null;
  const targets = app.get(TargetsService);
  const periods = app.get(PeriodsService);
  const users = app.get(UsersService);
  const dir = seedsDir();
  const docs = fs
    .readdirSync(dir)
    .sort()
    .map((f) => ({ name: f, bytes: fs.readFileSync(path.join(dir, f)) }));
  await importFiles(targets, await parseFiles(docs), { dryRun: false });
  const sheets = await ds.getRepository(TargetSheetEntity).findBy({ status: 'draft' });
  for (const s of sheets) await targets.approve(s.id, '系统（首次启动示例数据）');
  for (const year of new Set(sheets.map((s) => s.year))) {
    for (const p of PERIODS)
      await periods.setPeriod(
        year,
        p,
        new Date(Date.now() - DAY),
        new Date(Date.now() + 60 * DAY),
        '系统（首次启动示例数据）',
      );
  }
  // the reporter and head belong to 渌口 (one department and two projects); the evaluator reviews every unit
  const units = await ds.getRepository(UnitEntity).find({ order: { code: 'ASC' } });
  const lukou = units.find((u) => u.name.includes('渌口')) ?? units[0];
  const plan: { username: string; displayName: string; role: Role; unitCode?: string }[] = [
    { username: 'admin', displayName: '财政管理员', role: 'admin' },
    { username: 'pingshen', displayName: '王评审', role: 'evaluator' },
    { username: 'tianbao', displayName: '张填报', role: 'reporter', unitCode: lukou.code },
    { username: 'fuzeren', displayName: '李负责人', role: 'head', unitCode: lukou.code },
  ];
  const out: DemoAccount[] = [];
  for (const p of plan) {
    const { user, oneTimePassword } = await users.create(p);
    if (!oneTimePassword) throw new Error(`no one-time password made for ${p.username}`);
    if (p.role === 'evaluator')
      await users.assign(
        user.id,
        units.map((u) => u.code),
      );
    out.push({
      username: p.username,
      role: p.role,
      unit: p.unitCode ? lukou.name : null,
      oneTimePassword,
    });
  }
  return out;
}

/**
 * The first-start accounts, framed, as the last thing on the screen (the logs are above it), with
 * the command that hands out a new password when one is lost.
 */
export function accountsBox(accounts: DemoAccount[], url: string): string {
  const table = new Table({ style: { head: [], border: [] } });
  const wide = (content: string) => [{ colSpan: 4, content }];
  table.push(
    wide('首次启动：已导入五份示例绩效目标表，并为每个角色创建了账号。\n一次性密码只显示这一次，首次登录须修改。'),
    ['角色', '用户名', '一次性密码', '单位'],
    ...accounts.map((a) => [ROLE_LABELS[a.role], a.username, a.oneTimePassword, a.unit ?? '全部单位']),
    wide(
      [
        `打开 ${url}/ 登录。`,
        '丢失密码：npx selfeval user reset-password <用户名>（打印新的一次性密码）',
        '查看账号：npx selfeval user list',
      ].join('\n'),
    ),
  );
  return table.toString();
}

export function printAccounts(accounts: DemoAccount[], url: string): void {
  console.log(`\n${accountsBox(accounts, url)}\n`);
}
