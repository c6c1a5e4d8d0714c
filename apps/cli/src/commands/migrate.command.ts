import type { AppConfig } from '@selfeval/config';
import { createDataSource, migrateOnce } from '@selfeval/db';

export async function migrateCommand(config: AppConfig, direction: 'up' | 'down'): Promise<void> {
  const ds = createDataSource(config.database);
  await ds.initialize();
  try {
    if (direction === 'up') {
      const ran = await migrateOnce(ds);
      console.log(ran.length ? `已执行迁移：${ran.map((m) => m.name).join(', ')}` : '数据库已是最新。');
    } else {
      await ds.undoLastMigration({ transaction: 'each' });
      console.log('已回退最近一次迁移。');
    }
  } finally {
    await ds.destroy();
  }
}
