import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from '@selfeval/config';
import { createDataSource } from '@selfeval/db';
import { createRedisConnection, describeRedis, hasExternalRedis } from '@selfeval/jobs';
import { chromiumLaunchOptions } from '@selfeval/reports';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

const APT = 'apt-get update && apt-get install -y';

export async function runDoctor(config: AppConfig): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const add = async (name: string, fix: string, fn: () => Promise<string> | string) => {
    try {
      checks.push({ name, ok: true, detail: await fn() });
    } catch (e) {
      checks.push({ name, ok: false, detail: (e as Error).message.split('\n')[0], fix });
    }
  };

  await add('Node.js', '安装 Node.js 20.19 或更高版本（20 LTS 或 22 LTS）', () => {
    const [major, minor] = process.versions.node.split('.').map(Number);
    // TypeORM 1.x needs 20.19 or newer
    if (major < 20 || (major === 20 && minor < 19)) throw new Error(`当前 ${process.version}，需要 ≥ 20.19`);
    return process.version;
  });
  await add(
    '数据库',
    config.database.driver === 'postgres' ? '检查 DATABASE_URL 与 PostgreSQL 服务是否运行' : '检查 DATA_DIR 是否可写',
    async () => {
      // a check must not create what it checks: an empty data directory stays empty
      const db = config.database;
      if (db.driver === 'sqlite' && db.file !== ':memory:' && !fs.existsSync(db.file)) {
        const dir = path.dirname(db.file);
        const existing = fs.existsSync(dir) ? dir : path.dirname(dir);
        fs.accessSync(existing, fs.constants.W_OK);
        return `SQLite 文件 ${db.file} 尚不存在：第一次 selfeval start 时创建并建表（目录可写）`;
      }
      const ds = createDataSource(db);
      await ds.initialize();
      try {
        const pending = await ds.showMigrations();
        return `${db.driver} 可连接${pending ? '，有待执行的迁移（selfeval start 和 API 启动时自动执行）' : '，迁移已是最新'}`;
      } finally {
        await ds.destroy();
      }
    },
  );
  const external = hasExternalRedis(config);
  const redisFix = config.redisCluster
    ? '检查 REDIS_CLUSTER_NODES 与集群状态（redis-cli cluster info）'
    : config.redisSentinel
      ? '检查 REDIS_SENTINELS、REDIS_SENTINEL_NAME 与哨兵状态（redis-cli -p 26379 sentinel masters）'
      : '检查 REDIS_URL 与 Redis 服务';
  await add('Redis', external ? redisFix : `${APT} redis-server`, async () => {
    if (!external) {
      const version = execFileSync(config.redisServerBin, ['--version'], { encoding: 'utf8' }).trim();
      return `未设置 REDIS_URL，将自动启动私有 redis-server（${version.split(' ').slice(0, 3).join(' ')}）`;
    }
    const client = createRedisConnection(config, { probe: true });
    client.on('error', () => undefined); // reported through connect() below
    try {
      await client.connect();
      return `${describeRedis(config)} → ${await client.ping()}`;
    } finally {
      client.disconnect();
    }
  });
  await add('Chromium', `${APT} chromium   （或设置 CHROMIUM_PATH）`, async () => {
    if (!fs.existsSync(config.chromiumPath)) throw new Error(`${config.chromiumPath} 不存在`);
    const puppeteer = await import('puppeteer-core');
    const browser = await puppeteer.launch(chromiumLaunchOptions(config.chromiumPath));
    try {
      return `${config.chromiumPath}（${await browser.version()}）可启动`;
    } finally {
      await browser.close();
    }
  });
  await add('中文字体', `${APT} fonts-wqy-zenhei fonts-arphic-uming`, () => {
    const families = execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
    const wanted = ['WenQuanYi Zen Hei', 'AR PL UMing'];
    const missing = wanted.filter((f) => !families.includes(f));
    if (missing.length) throw new Error(`缺少可嵌入为 TrueType 的字体：${missing.join('、')}`);
    return `${wanted.join('（黑体）、')}（宋体/明体）`;
  });
  await add('PDF 工具 (poppler)', `${APT} poppler-utils`, () => {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return 'pdftotext / pdffonts 可用（测试用）';
  });
  return checks;
}

export async function doctorCommand(config: AppConfig): Promise<number> {
  const checks = await runDoctor(config);
  for (const c of checks) {
    console.log(`${c.ok ? '✓' : '✗'} ${c.name}：${c.detail}`);
    if (!c.ok && c.fix) console.log(`    修复：${c.fix}`);
  }
  const failed = checks.filter((c) => !c.ok).length;
  console.log(failed ? `\n${failed} 项需要处理。` : '\n一切就绪。');
  return failed ? 1 : 0;
}
