import Table from 'cli-table3';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '@selfeval/config';
import { UsersService } from '@selfeval/auth';
import { createDataSource, UnitEntity, UserAccountEntity } from '@selfeval/db';
import { DomainError, Role, ROLE_LABELS, ROLES } from '@selfeval/domain';

/** Role ids or their Chinese names (管理员, 评审人, 填报人, 单位负责人). */
export function parseRole(text: string): Role {
  const role = ROLES.find((r) => r === text || ROLE_LABELS[r] === text || ROLE_LABELS[r].startsWith(text));
  if (!role)
    throw new DomainError(
      'VALIDATION_FAILED',
      `角色“${text}”无效，应为：${ROLES.map((r) => `${r}（${ROLE_LABELS[r]}）`).join('、')}`,
      { field: 'role' },
    );
  return role;
}

/** The database as the API left it: the CLI never migrates behind a running API's back. */
async function openMigrated(config: AppConfig): Promise<DataSource> {
  const ds = createDataSource(config.database);
  await ds.initialize();
  if (await ds.showMigrations()) {
    await ds.destroy();
    throw new DomainError(
      'VALIDATION_FAILED',
      '数据库尚未初始化或有待执行的迁移：先启动一次（npx selfeval start，或 docker compose up），或运行 npx selfeval migrate',
    );
  }
  return ds;
}

async function withDatabase<T>(config: AppConfig, run: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = await openMigrated(config);
  try {
    return await run(ds);
  } finally {
    await ds.destroy();
  }
}

const handOut = (username: string, password: string) =>
  [
    `用户名 ${username}`,
    `一次性密码 ${password}`,
    '（只显示这一次；首次登录须修改。丢失后用 selfeval user reset-password 重新生成）',
  ].join('\n');

export async function userAddCommand(
  config: AppConfig,
  username: string,
  opts: { role: string; name: string; unit?: string; email?: string },
): Promise<void> {
  await withDatabase(config, async (ds) => {
    const { user, oneTimePassword } = await new UsersService(ds, config.auth.bcryptCost).create({
      username,
      displayName: opts.name,
      role: parseRole(opts.role),
      unitCode: opts.unit,
      email: opts.email,
    });
    if (!oneTimePassword) throw new Error('internal: no one-time password generated');
    console.log(`已创建${ROLE_LABELS[user.role]}账号。\n${handOut(user.username, oneTimePassword)}`);
  });
}

/**
 * A new one-time password for a user who lost theirs (or the first-start accounts). The same
 * UsersService reset the administrators' API uses: the old password stops working and every
 * session of the user ends (session_version); the user must choose a new password at sign-in.
 * A deactivated account is switched back on, as an operator running this expects.
 */
export async function userResetPasswordCommand(config: AppConfig, username: string): Promise<void> {
  await withDatabase(config, async (ds) => {
    const user = await ds.getRepository(UserAccountEntity).findOneBy({ username });
    if (!user)
      throw new DomainError('NOT_FOUND', `找不到用户名“${username}”（用 selfeval user list 查看所有账号）`, {
        field: 'username',
      });
    const password = await new UsersService(ds, config.auth.bcryptCost).resetPassword(user.id);
    if (!user.active) await ds.getRepository(UserAccountEntity).update({ id: user.id }, { active: true });
    console.log(`已重置密码，该用户已登录的会话均已失效。\n${handOut(username, password)}`);
  });
}

export async function userListCommand(config: AppConfig): Promise<void> {
  await withDatabase(config, async (ds) => {
    const users = await new UsersService(ds, config.auth.bcryptCost).list();
    const units = new Map((await ds.getRepository(UnitEntity).find()).map((u) => [u.id, u.name]));
    if (!users.length) {
      console.log('还没有账号。创建第一个管理员：npx selfeval user add admin --role admin --name 管理员');
      return;
    }
    const table = new Table({
      head: ['用户名', '姓名', '角色', '单位', '状态', '最近登录'],
      style: { head: [], border: [] },
    });
    for (const u of users)
      table.push([
        u.username,
        u.displayName,
        ROLE_LABELS[u.role],
        u.unitId ? (units.get(u.unitId) ?? '') : '',
        !u.active ? '已停用' : u.mustChangePassword ? '待修改初始密码' : '正常',
        u.lastLoginAt ? new Date(u.lastLoginAt).toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : '从未登录',
      ]);
    console.log(table.toString());
  });
}
