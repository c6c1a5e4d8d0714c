import type { AppConfig } from '@selfeval/config';
import { EmbeddedRedis, hasExternalRedis } from '@selfeval/jobs';
import { createApi } from '../../../api/src/create-api';
import { createWorker } from '../../../worker/src/create-worker';
import { DemoAccount, printAccounts, seedFirstStart } from './first-start';

export interface RunningStack {
  url: string;
  /** accounts created on the first start of an empty database */
  firstStart: DemoAccount[] | null;
  stop(): Promise<void>;
}

/**
 * The embedded default: a private redis-server when REDIS_URL is unset, the API and a worker in
 * one process. Shutdown order matters: HTTP first, then workers (active jobs finish), then Redis.
 */
export async function startStack(config: AppConfig): Promise<RunningStack> {
  let redis: EmbeddedRedis | undefined;
  if (!hasExternalRedis(config)) {
    redis = new EmbeddedRedis({ dataDir: config.dataDir, bin: config.redisServerBin });
    config = { ...config, redisUrl: await redis.start() };
  }
  try {
    const api = await createApi(config);
    const worker = await createWorker(config);
    await api.listen(config.http.port, config.http.host);
    const firstStart = await seedFirstStart(api);
    const url = await api.getUrl();
    let stopping: Promise<void> | undefined;
    return {
      url: url.replace('[::1]', 'localhost'),
      firstStart,
      stop: () =>
        (stopping ??= (async () => {
          await api.close();
          await worker.close();
          await redis?.stop();
        })()),
    };
  } catch (e) {
    await redis?.stop();
    throw e;
  }
}

export async function startCommand(config: AppConfig): Promise<void> {
  const stack = await startStack(config);
  const db = config.database.driver === 'sqlite' ? `SQLite ${config.database.file}` : 'PostgreSQL';
  console.log(`selfeval 已启动：${stack.url}/  （数据库：${db}；健康检查 ${stack.url}/api/health；按 Ctrl+C 停止）`);
  if (stack.firstStart) printAccounts(stack.firstStart, stack.url);
  const shutdown = (signal: string) => {
    console.log(`收到 ${signal}，正在停止……`);
    stack.stop().then(
      () => process.exit(0),
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}
