import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from '@selfeval/config';
import { openDatabase, systemClock } from '@selfeval/db';
import { DomainError } from '@selfeval/domain';
import { importFiles, parseFiles, TargetsService } from '@selfeval/targets';

export interface ImportOptions {
  dryRun?: boolean;
  json?: boolean;
}

/**
 * `selfeval import <files...>`: parse and validate every file, then store each file in one
 * transaction. `--json` prints `{ sheets, warnings }` in the interchange format; `--dry-run`
 * (implied by --json) stores nothing and needs no database.
 */
export async function importCommand(config: AppConfig, files: string[], opts: ImportOptions): Promise<number> {
  const dryRun = !!opts.dryRun || !!opts.json;
  try {
    const docs = files.map((f) => {
      if (!fs.existsSync(f)) throw new DomainError('VALIDATION_FAILED', `找不到文件“${f}”`, { file: f });
      return { name: path.basename(f), bytes: fs.readFileSync(f) };
    });
    const parsed = await parseFiles(docs); // before the database is touched
    const ds = dryRun ? null : await openDatabase(config.database);
    try {
      const result = await importFiles(ds ? new TargetsService(ds, systemClock) : null, parsed, { dryRun });
      if (opts.json) {
        process.stdout.write(JSON.stringify({ sheets: result.sheets, warnings: result.warnings }, null, 2) + '\n');
        return 0;
      }
      for (const s of result.sheets) {
        console.log(
          `${s.kind === 'department' ? '部门整体' : '项目'}  ${s.year ?? '?'}  ${s.unit.name}  ${s.project?.name ?? ''}  指标 ${s.indicators.length} 个  资金 ${s.budget.total ?? '-'} 万元`,
        );
      }
      for (const w of result.warnings)
        console.log(
          `  ⚠ [${w.code}] ${w.where?.sheet ?? ''}${w.where?.row ? ` 第 ${w.where.row} 行` : ''}：${w.message}`,
        );
      if (dryRun)
        console.log(`\n预览：${result.sheets.length} 张表，${result.warnings.length} 条提示；未保存（--dry-run）。`);
      else {
        const by = (o: string) => result.stored.filter((s) => s.outcome === o).length;
        console.log(
          `\n已保存：新建 ${by('created')} 张，新版本（目标调整）${by('new-version')} 张，未变化 ${by('unchanged')} 张。`,
        );
      }
      return 0;
    } finally {
      await ds?.destroy();
    }
  } catch (e) {
    if (e instanceof DomainError) {
      console.error(`导入失败，未保存任何内容：${e.userMessage}`);
      return 2;
    }
    throw e;
  }
}
