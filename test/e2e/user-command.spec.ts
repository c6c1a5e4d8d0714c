import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { UsersService } from '@selfeval/auth';
import { createDataSource } from '@selfeval/db';
import { tempDir } from '../helpers/config';

const ROOT = path.join(__dirname, '../..');

/** `selfeval user …` as an operator runs it (compiled CLI, SQLite data directory). */
describe('selfeval user add | reset-password | list', () => {
  const dataDir = tempDir();
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/selfeval.js'), ...args], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', BCRYPT_COST: '4', NODE_ENV: 'development' },
      encoding: 'utf8',
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const passwordIn = (out: string) => /一次性密码 ([A-Za-z0-9]{14})/.exec(out)?.[1];
  const verify = async (username: string, password: string) => {
    const ds = createDataSource({ driver: 'sqlite', file: path.join(dataDir, 'selfeval.sqlite') });
    await ds.initialize();
    try {
      return await new UsersService(ds, 4).verify(username, password);
    } finally {
      await ds.destroy();
    }
  };

  it('creates the first administrator, lists accounts, and hands out a new one-time password', async () => {
    const early = run('user', 'list');
    expect(early.code).toBe(1);
    expect(early.err).toContain('数据库尚未初始化或有待执行的迁移');
    expect(run('migrate').code).toBe(0);
    expect(run('user', 'list').out).toContain('还没有账号。创建第一个管理员：npx selfeval user add admin');

    const added = run('user', 'add', 'chief', '--role', '管理员', '--name', '王主任');
    expect(added.code).toBe(0);
    expect(added.out).toContain('已创建管理员（财政/主管部门）账号。');
    const first = passwordIn(added.out)!;
    expect(await verify('chief', first)).toMatchObject({ username: 'chief', role: 'admin', mustChangePassword: true });

    const noUnit = run('user', 'add', 'filler', '--role', 'reporter', '--name', '张填报');
    expect(noUnit.code).toBe(1);
    expect(noUnit.err).toContain('填报人和单位负责人须指定所属单位');
    expect(run('user', 'add', 'x', '--role', 'boss', '--name', 'y').err).toContain('角色“boss”无效');
    expect(run('user', 'add', 'chief', '--role', 'admin', '--name', '重复').err).toContain('用户名“chief”已存在');

    const list = run('user', 'list').out;
    // (verify() above signed in once)
    expect(list).toMatch(
      /│ chief +│ 王主任 +│ 管理员（财政\/主管部门） +│ +│ 待修改初始密码 +│ \d{4}-\d\d-\d\d \d\d:\d\d UTC +│/,
    );
    expect(list).not.toContain('filler');

    const reset = run('user', 'reset-password', 'chief');
    expect(reset.code).toBe(0);
    const second = passwordIn(reset.out)!;
    expect(second).not.toBe(first);
    expect(await verify('chief', first)).toBeNull();
    expect(await verify('chief', second)).toMatchObject({ mustChangePassword: true });
    expect(run('user', 'reset-password', 'nobody').err).toContain('找不到用户名“nobody”');
  }, 180_000);
});
