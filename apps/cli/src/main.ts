import 'reflect-metadata';
import { Command } from 'commander';
import { ConfigError, loadConfig } from '@selfeval/config';
import { demoCommand } from './commands/demo.command';
import { doctorCommand } from './commands/doctor.command';
import { importCommand } from './commands/import.command';
import { migrateCommand } from './commands/migrate.command';
import { parseTargetCommand } from './commands/parse-target.command';
import { scoreCommand } from './commands/score.command';
import { startCommand } from './commands/start.command';

function config() {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}

export function buildProgram(): Command {
  const program = new Command('selfeval').description('绩效自评 — performance self-evaluation workflow engine');
  program
    .command('start')
    .description('启动 API 与作业进程（未设置 REDIS_URL 时自动启动私有 redis-server；默认使用 SQLite）')
    .action(() => startCommand(config()));
  program
    .command('migrate')
    .description('执行数据库迁移')
    .option('--down', '回退最近一次迁移')
    .action((opts: { down?: boolean }) => migrateCommand(config(), opts.down ? 'down' : 'up'));
  program
    .command('doctor')
    .description('检查 Chromium、中文字体、Redis、数据库，并说明如何修复')
    .action(async () => {
      process.exitCode = await doctorCommand(config());
    });
  program
    .command('import')
    .description('导入绩效目标表（文本导出的 Word 表格），每个文件全部成功或全部不保存')
    .argument('<files...>', '文件路径')
    .option('--dry-run', '只解析和校验，不保存')
    .option('--json', '按交换格式输出 { sheets, warnings }（不保存）')
    .action(async (files: string[], opts: { dryRun?: boolean; json?: boolean }) => {
      process.exitCode = await importCommand(config(), files, opts);
    });
  program
    .command('score')
    .description('按评分方案为一张表打分（交换格式 JSON，含实际完成值），不需要数据库或 Redis')
    .argument('<file>', 'JSON 文件')
    .action((file: string) => {
      process.exitCode = scoreCommand(file);
    });
  program
    .command('parse-target')
    .description('读取标准输入中的指标值（每行一个，可用制表符后接二级指标），输出解读结果，不需要数据库或 Redis')
    .option('--json', '每行输出一个 JSON 对象 { text, targets, warnings }')
    .action(async (opts: { json?: boolean }) => {
      process.exitCode = await parseTargetCommand(opts);
    });
  program
    .command('demo')
    .description('演示全年流程：导入五份示例目标表，生成季度数据（固定随机种子），经真实队列打分、生成 PDF 并发送邮件')
    .option('--out <dir>', 'PDF 输出目录', 'selfeval-demo')
    .option('--seed <text>', '随机种子（相同种子得到相同数据）', '2026')
    .action(async (opts: { out: string; seed: string }) => {
      process.exitCode = await demoCommand(config(), { out: opts.out, seed: opts.seed });
    });
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
