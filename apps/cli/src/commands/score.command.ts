import * as fs from 'node:fs';
import { DomainError, parseTarget, ScoringIndicatorInput, ScoringInput, scoreSheet, Target } from '@selfeval/domain';

/**
 * `selfeval score <file.json>`: scores one sheet in the interchange format, no database or Redis.
 * Each indicator may carry `actual`, `weight`, `grade`, `score`, `notApplicable`, `explanation`,
 * `causeCategory`, `quarterly`, `publishedScore`, `breakdown`; the sheet carries
 * `budget.initial/adjusted/spent` and `budget.lines` (其中 rows), optional `profile`, `kind`,
 * `totals: "form"` (a printed 自评表: its 分值 are the weights), `amountUnit` (元 or 万元),
 * `executionWeight`, and `published: { total, executionScore, grade, precision }` for the
 * consistency review. Descriptive fields (`source`, `province`, `unit`, `project`) are ignored.
 */
export function scoreFile(file: string): ReturnType<typeof scoreSheet> {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch {
    throw new DomainError('VALIDATION_FAILED', `找不到文件“${file}”`, { file });
  }
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(raw);
  } catch (e) {
    throw new DomainError('VALIDATION_FAILED', `文件“${file}”不是有效的 JSON：${(e as Error).message}`, { file });
  }
  if (!Array.isArray(doc.indicators))
    throw new DomainError('VALIDATION_FAILED', `文件“${file}”缺少 indicators 数组`, { file, field: 'indicators' });
  const budget = (doc.budget ?? {}) as ScoringInput['budget'];
  const amountUnit = doc.amountUnit === undefined ? undefined : String(doc.amountUnit);
  if (amountUnit !== undefined && amountUnit !== '元' && amountUnit !== '万元')
    throw new DomainError('VALIDATION_FAILED', `文件“${file}”的金额单位“${amountUnit}”应为“元”或“万元”`, {
      file,
      field: 'amountUnit',
    });
  const totals = doc.totals === undefined ? undefined : String(doc.totals);
  if (totals !== undefined && totals !== 'form' && totals !== 'profile')
    throw new DomainError('VALIDATION_FAILED', `文件“${file}”的 totals“${totals}”应为“form”或“profile”`, {
      file,
      field: 'totals',
    });
  const indicators = (doc.indicators as Record<string, unknown>[]).map((ind, i): ScoringIndicatorInput => {
    const t = ind.target;
    const target: Target | undefined =
      typeof t === 'string'
        ? parseTarget(t, {
            cost: /成本/.test(String(ind.level2 ?? '')),
            level2: String(ind.level2 ?? ''),
            moneyUnit: amountUnit,
          }).targets[0]
        : (t as Target | undefined);
    if (!target || typeof target !== 'object' || !('kind' in target)) {
      throw new DomainError('VALIDATION_FAILED', `第 ${i + 1} 个指标缺少 target`, {
        file,
        field: `indicators[${i}].target`,
      });
    }
    const str = (k: string) => (ind[k] === undefined || ind[k] === null ? undefined : String(ind[k]));
    return {
      level1: String(ind.level1 ?? ''),
      level2: String(ind.level2 ?? ''),
      name: String(ind.name ?? ''),
      target,
      actual: str('actual'),
      weight: str('weight'),
      grade: str('grade'),
      score: str('score'),
      notApplicable: ind.notApplicable === true,
      explanation: str('explanation'),
      causeCategory: str('causeCategory') as ScoringIndicatorInput['causeCategory'],
      causeText: str('causeText'),
      measure: str('measure'),
      quarterly: Array.isArray(ind.quarterly)
        ? (ind.quarterly as (string | null)[]).map((q) => (q === null ? null : String(q)))
        : undefined,
      publishedScore: str('publishedScore'),
      publishedExplanation: str('publishedExplanation'),
      breakdown: ind.breakdown === true,
    };
  });
  const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
  const lines = Array.isArray(budget.lines)
    ? budget.lines.map((l) => ({
        name: String(l.name ?? ''),
        initial: str(l.initial),
        adjusted: str(l.adjusted),
        spent: str(l.spent),
      }))
    : undefined;
  const published = doc.published as Record<string, unknown> | undefined;
  return scoreSheet({
    profile: str(doc.profile),
    profileVersion: typeof doc.profileVersion === 'number' ? doc.profileVersion : undefined,
    kind: doc.kind === 'department' ? 'department' : doc.kind === 'project' ? 'project' : undefined,
    totals: totals as ScoringInput['totals'],
    amountUnit: amountUnit as ScoringInput['amountUnit'],
    executionWeight: str(doc.executionWeight),
    budget: {
      initial: str(budget.initial),
      adjusted: str(budget.adjusted ?? budget.total),
      spent: str(budget.spent),
      lines,
    },
    spendingPlan: doc.spendingPlan as ScoringInput['spendingPlan'],
    quarterlySpent: doc.quarterlySpent as ScoringInput['quarterlySpent'],
    executionExplanation: str(doc.executionExplanation),
    indicators,
    published: published && {
      total: str(published.total),
      executionScore: str(published.executionScore),
      grade: str(published.grade),
      precision: typeof published.precision === 'number' ? published.precision : undefined,
    },
  });
}

export function scoreCommand(file: string): number {
  try {
    const result = scoreFile(file);
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    if (result.errors.length) {
      for (const e of result.errors) console.error(`${e.field}：${e.message}`);
      return 2;
    }
    return 0;
  } catch (e) {
    if (e instanceof DomainError) {
      console.error(e.userMessage);
      return 2;
    }
    throw e;
  }
}
