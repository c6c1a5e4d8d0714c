import Decimal from 'decimal.js';
import type { BudgetKey, ImportResult, IndicatorRow, Target, TargetSheet, Warning } from './interchange';
import { allowedLevel1, isCostLevel, isOnlyLevel2, normalizeLevel1, normalizeLevel2 } from './levels';
import { parseMoney, toWanYuan } from './money';
import { normalizeText } from './normalize';
import { isMoneyUnit, joinTargetColumns, parseTarget } from './parse-target';
import { DocItem, tokenizeTextDocument } from './text-document';

/**
 * Reads a published 绩效目标表 document exported as text (domain.md §2, three layouts seen in
 * the seeds) into interchange sheets. Pure: no I/O; the caller stores all sheets or none.
 */
export function importTextDocument(content: string, sourceName = '文档'): ImportResult {
  return importDocItems(tokenizeTextDocument(content), sourceName);
}

/** The same recognition over rows and prose from any source (text export, .docx tables). */
export function importDocItems(items: DocItem[], sourceName = '文档'): ImportResult {
  return new TextImporter(items, sourceName).run();
}

interface Columns {
  level1: number;
  level2: number;
  name: number;
  value: number;
  op?: number;
  unit?: number;
  description?: number;
  basis?: number;
  standard?: number;
}

const BUDGET_LABELS: [RegExp, BudgetKey][] = [
  [/^(预算数|年度资金总额|资金总额|项目金额|年度本级预算金额)$/, 'total'],
  [/^(财政拨款|财政资金)$/, 'fiscal'],
  [/^其他资金$/, 'other'],
  [/^(结余结转|上年结转)$/, 'carryover'],
  [/^一般公共预算(拨款)?$/, 'generalPublic'],
  [/^政府性基金(拨款|预算拨款)?$/, 'governmentFund'],
  [/^(纳入专户管理的非税收入拨款|财政专户管理资金)$/, 'specialAccount'],
  [/^基本支出$/, 'basic'],
  [/^项目支出$/, 'project'],
];
const ATTRIBUTE_LABELS =
  /^(主管部门|实施单位|预算部门|项目属性|项目类别|项目期|项目支出实施期|实施期|该项目支出上级资金|实施期绩效目标|部门职能职责概述)$/;
const GOAL_LABELS = /^(本年度绩效目标|绩效目标|整体绩效目标|年度履职目标|年度总体目标)$/;
const NAME_LABELS = /^(项目名称|项目支出名称)$/;
const DEPT_LABELS = /^(部门名称|部门\(单位\)名称)$/;

function labelKey(cell: string): string {
  return normalizeText(cell)
    .replace(/\s+/g, '')
    .replace(/^其中[:：]?/, '')
    .replace(/[:：]$/, '')
    .replace(/\((万元|%)\)$/, '');
}

function isLabel(cell: string): boolean {
  const k = labelKey(cell);
  return (
    NAME_LABELS.test(k) ||
    k === '项目编码' ||
    ATTRIBUTE_LABELS.test(k) ||
    GOAL_LABELS.test(k) ||
    DEPT_LABELS.test(k) ||
    BUDGET_LABELS.some(([re]) => re.test(k))
  );
}

class SheetBuilder {
  sheet: TargetSheet;
  columns?: Columns;
  level1 = '';
  level2 = '';
  constructor(
    kind: TargetSheet['kind'],
    readonly line: number,
  ) {
    this.sheet = {
      kind,
      year: null,
      unit: { code: null, name: '' },
      budget: {},
      spendingPlan: [],
      goal: null,
      attributes: {},
      indicators: [],
      warnings: [],
    };
    if (kind === 'project') this.sheet.project = { code: null, name: '' };
  }
  get label(): string {
    return (
      this.sheet.project?.name ||
      (this.sheet.kind === 'department' ? '部门整体支出绩效目标表' : `第 ${this.line} 行起的项目表`)
    );
  }
}

class TextImporter {
  private readonly sheets: SheetBuilder[] = [];
  private current?: SheetBuilder;
  private unit: { code: string | null; name: string } = { code: null, name: '' };
  private year: number | null = null;
  private deptBudget: Partial<Record<BudgetKey, string>> = {};
  private mode: 'none' | 'expenseTotal' = 'none';
  private prose?: {
    sub: 'goal' | 'items' | 'other';
    item?: string;
    goal: string[];
    indicators: { name: string; text: string; line: number }[];
  };

  constructor(
    private readonly items: DocItem[],
    private readonly sourceName: string,
  ) {}

  run(): ImportResult {
    for (let i = 0; i < this.items.length; i++) {
      const item = this.items[i];
      if (item.kind === 'text') this.onText(item.text, item.line);
      else this.onRow(item.cells, item.line, this.items[i + 1]);
    }
    return this.finish();
  }

  // ---- prose and titles ----------------------------------------------------------------------
  private onText(text: string, line: number) {
    const t = normalizeText(text);
    const year = /((?:19|20)\d{2})\s*年/.exec(t);
    if (year && /绩效目标|预算/.test(t) && this.year === null) this.year = Number(year[1]);
    if (this.current) this.current.columns = undefined; // prose ends a table
    if (/部门预算支出总表/.test(t)) this.mode = 'expenseTotal';

    if (/部门整体支出绩效目标表/.test(t)) {
      this.start('department', line);
      return;
    }
    if (/部门整体绩效目标$/.test(t.replace(/^[一二三四五六七八九十]+、/, ''))) {
      this.prose = { sub: 'other', goal: [], indicators: [] };
      return;
    }
    if (!this.prose) return;
    if (
      /^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、)/.test(t) &&
      !/总体绩效目标|分项绩效目标|工作保障/.test(t)
    ) {
      this.prose.sub = 'other';
      if (/^第|^[六七八九十]/.test(t)) this.closeProse(line);
      return;
    }
    if (/总体绩效目标/.test(t)) this.prose.sub = 'goal';
    else if (/分项绩效目标/.test(t)) this.prose.sub = 'items';
    else if (/工作保障措施/.test(t)) this.prose.sub = 'other';
    else if (this.prose.sub === 'goal') this.prose.goal.push(text.trim());
    else if (this.prose.sub === 'items') {
      const indicator = /^绩效指标[:：](.+)$/.exec(t);
      const heading = /^[\d]+[、.．](.+)$/.exec(t);
      if (indicator && this.prose.item) this.prose.indicators.push({ name: this.prose.item, text: indicator[1], line });
      else if (heading) this.prose.item = heading[1].replace(/[。.]$/, '');
    }
  }

  /** The prose 部门整体绩效目标 of 魏县/馆陶 becomes a department sheet. */
  private closeProse(line: number) {
    const p = this.prose;
    this.prose = undefined;
    if (!p || (!p.goal.length && !p.indicators.length)) return;
    if (this.sheets.some((s) => s.sheet.kind === 'department')) return;
    const b = new SheetBuilder('department', line);
    b.sheet.goal = p.goal.join('\n') || null;
    for (const ind of p.indicators) {
      const parsed = parseTarget(ind.text);
      for (const target of parsed.targets) {
        const level2 = target.kind === 'quantitative' && target.unit === '%' ? '质量指标' : '数量指标';
        b.sheet.indicators.push({ level1: '产出指标', level2, name: ind.name, target: { ...target, raw: ind.text } });
        this.warn(b, 'LEVELS_INFERRED', `“${ind.name}”出自文字说明，未给出一级/二级指标，按${level2}导入`, ind.line);
      }
      for (const w of parsed.warnings) this.warn(b, w.code, `“${ind.name}”：${w.message}`, ind.line);
    }
    this.sheets.unshift(b);
  }

  // ---- table rows ----------------------------------------------------------------------------
  private onRow(cells: string[], line: number, next: DocItem | undefined) {
    const keys = cells.map(labelKey);
    if (this.mode === 'expenseTotal') this.readExpenseTotal(keys);
    this.readUnitCell(cells, keys);

    if (keys.includes('一级指标') && keys.includes('二级指标')) {
      const sheet = this.current ?? this.start('project', line);
      sheet.columns = this.headerColumns(keys);
      sheet.level1 = sheet.level2 = '';
      return;
    }
    const startsProject = keys.some((k) => NAME_LABELS.test(k) || k === '项目编码');
    if (
      startsProject &&
      (!this.current ||
        this.current.sheet.kind === 'department' ||
        this.current.columns ||
        this.current.sheet.indicators.length ||
        (this.current.sheet.project?.name && keys.some((k) => NAME_LABELS.test(k))))
    ) {
      this.start('project', line);
    }
    if (keys.some((k) => DEPT_LABELS.test(k)) && this.current?.sheet.kind !== 'department')
      this.start('department', line);

    const b = this.current;
    if (!b) return;
    if (b.columns && !startsProject && !keys.some(isLabelKey)) {
      this.readIndicatorRow(b, b.columns, cells, line);
      return;
    }
    this.readLabels(b, cells, keys, line, next);
  }

  private readUnitCell(cells: string[], keys: string[]) {
    for (const c of cells) {
      const m = /^(\d{3,12})([\u4e00-\u9fa5（）()]{2,})$/.exec(c.replace(/\s+/g, ''));
      if (m && !this.unit.name) this.unit = { code: m[1], name: m[2] };
    }
    for (const k of keys) {
      const y = /^预算年度[:：]?((?:19|20)\d{2})$/.exec(k);
      if (y && this.year === null) this.year = Number(y[1]);
    }
  }

  private readExpenseTotal(keys: string[]) {
    const at = keys.indexOf('合计');
    if (at < 0) return;
    const nums = keys.slice(at + 1, at + 4).map(parseMoney);
    if (nums[0] === null) return;
    this.deptBudget = { total: nums[0] ?? undefined, basic: nums[1] ?? undefined, project: nums[2] ?? undefined };
    this.mode = 'none';
  }

  private headerColumns(keys: string[]): Columns {
    const find = (re: RegExp) => {
      const i = keys.findIndex((k) => re.test(k));
      return i < 0 ? undefined : i;
    };
    // The caller saw 一级指标 and 二级指标; a missing 三级指标/指标值 column reads as empty cells (index -1).
    const required = (re: RegExp) => find(re) ?? -1;
    return {
      level1: required(/^一级指标$/),
      level2: required(/^二级指标$/),
      name: required(/^三级指标$/),
      value: find(/^指标值(及单位)?$/) ?? required(/^指标值/),
      op: find(/^指标值类型$/),
      unit: find(/^(度量|计量)单位$/),
      description: find(/绩效指标描述|指标值说明|指标解释/),
      basis: find(/指标值确定依据/),
      standard: find(/绩效标准|评\(扣\)分标准/),
    };
  }

  private readIndicatorRow(b: SheetBuilder, c: Columns, raw: string[], line: number) {
    let cells = [...raw];
    // Labels published one column too far left (固原, 渌口): move the row right until the label sits in its column.
    const first = cells.findIndex((x) => x !== '');
    if (first < 0) return;
    let shifted = false;
    if (first < c.level2 && isOnlyLevel2(cells[first])) {
      cells = [...Array(c.level2 - first).fill(''), ...cells];
      shifted = true;
    } else if (first < c.level1 && normalizeLevel1(cells[first])) {
      cells = [...Array(c.level1 - first).fill(''), ...cells];
      shifted = true;
    }
    const l1cell = cells[c.level1] ?? '';
    const l2cell = cells[c.level2] ?? '';
    if (l1cell) {
      b.level1 = normalizeLevel1(l1cell) ?? b.level1;
      b.level2 = '';
    }
    if (l2cell) b.level2 = normalizeLevel2(l2cell) ?? l2cell;
    const name = cells[c.name] ?? '';
    const rawTarget =
      c.op !== undefined || c.unit !== undefined
        ? joinTargetColumns(
            c.op !== undefined ? cells[c.op] : '',
            cells[c.value],
            c.unit !== undefined ? cells[c.unit] : '',
          )
        : (cells[c.value] ?? '');
    if (!name && !rawTarget) {
      if (l2cell) this.warn(b, 'EMPTY_ROW_SKIPPED', `空的选填行“${l2cell}”已跳过`, line);
      return;
    }
    if (shifted)
      this.warn(b, 'LABEL_SHIFTED', `“${l2cell || l1cell}”写在了左侧一列，已按${b.level2 || b.level1}读取`, line);

    let level1 = b.level1;
    let level2 = b.level2;
    const costGuess =
      !l2cell &&
      !/成本/.test(level2) &&
      /费|成本|资金|经费/.test(name) &&
      /^(\d+(\.\d+)?)?\s*(万?元)?$/.test(normalizeText(rawTarget)) &&
      /\d/.test(rawTarget);
    if (costGuess) {
      level2 = '成本指标';
      this.warn(b, 'LEVEL2_INFERRED', `“${name}”没有二级指标，按金额判断为成本指标`, line);
    }
    if (level2 && !allowedLevel1(level2).includes(level1)) {
      const fixed = allowedLevel1(level2)[0];
      if (level1 && !shifted) this.warn(b, 'LEVEL1_CORRECTED', `“${level2}”不属于“${level1}”，已归入“${fixed}”`, line);
      level1 = fixed;
    }
    const cost = isCostLevel(level1, level2);
    const parsed = parseTarget(rawTarget, { cost, level2, moneyUnit: '万元' });
    for (const w of parsed.warnings) this.warn(b, w.code, `“${name}”：${w.message}`, line);
    parsed.targets.forEach((target: Target, i) => {
      const label = parsed.targets.length > 1 ? /^[^\d≥≤<>=]+/.exec(normalizeText(target.raw))?.[0] : undefined;
      const row: IndicatorRow = {
        level1,
        level2,
        name: parsed.targets.length > 1 ? (label ?? `${name}（${i + 1}）`) : name,
        target,
      };
      const opt = (k: 'description' | 'basis' | 'standard') => {
        const idx = c[k];
        if (idx !== undefined && cells[idx]) row[k] = cells[idx];
      };
      opt('description');
      opt('basis');
      opt('standard');
      b.sheet.indicators.push(row);
    });
  }

  private readLabels(b: SheetBuilder, cells: string[], keys: string[], line: number, next: DocItem | undefined) {
    const nextCells = next?.kind === 'row' ? next.cells : [];
    if (keys[0] === '资金支出计划' || keys.some((k) => /^资金支出计划/.test(k))) {
      keys.forEach((k, i) => {
        const m = /^(\d{1,2})月(底|末)?$/.exec(k);
        const pct = normalizeText(nextCells[i] ?? '').replace(/[%\s]/g, '');
        if (m && /^\d+(\.\d+)?$/.test(pct))
          b.sheet.spendingPlan.push({ month: Number(m[1]), percent: new Decimal(pct).toFixed() });
      });
      return;
    }
    cells.forEach((cell, i) => {
      let key = keys[i];
      let value: string | undefined;
      const inline = /^(.+?)[:：]\s*(\S.*)?$/s.exec(normalizeText(cell).replace(/^其中[:：]\s*/, ''));
      if (inline && isLabel(inline[1])) {
        key = labelKey(inline[1]);
        value = inline[2] ?? '';
      } else if (isLabel(cell)) {
        value = this.rightValue(cells, i);
        // Matrix layout (渌口): the label row's numbers sit in the row below.
        if (
          (value === undefined || (BUDGET_LABELS.some(([re]) => re.test(key)) && parseMoney(value) === null)) &&
          nextCells.length
        ) {
          const below = nextCells[i];
          if (parseMoney(below) !== null) value = below;
        }
      } else return;
      this.assign(b, key, value ?? '', line);
    });
  }

  private rightValue(cells: string[], i: number): string | undefined {
    for (let j = i + 1; j < cells.length; j++) {
      if (cells[j] === '') continue;
      return isLabel(cells[j]) ? undefined : cells[j];
    }
    return undefined;
  }

  private assign(b: SheetBuilder, key: string, value: string, line: number) {
    const s = b.sheet;
    if (NAME_LABELS.test(key)) {
      if (s.project) s.project.name = value;
    } else if (key === '项目编码') {
      if (s.project) s.project.code = value.replace(/\s+/g, '') || null;
    } else if (DEPT_LABELS.test(key)) {
      if (value && !this.unit.name) this.unit = { code: this.unit.code, name: value };
    } else if (GOAL_LABELS.test(key)) {
      if (value && !s.goal) s.goal = value;
    } else if (ATTRIBUTE_LABELS.test(key)) {
      if (value && !(key in s.attributes)) s.attributes[key] = value;
    } else {
      const budgetKey = BUDGET_LABELS.find(([re]) => re.test(key))?.[1];
      const money = parseMoney(value);
      if (budgetKey && money !== null && s.budget[budgetKey] === undefined) s.budget[budgetKey] = money;
    }
    void line;
  }

  private start(kind: TargetSheet['kind'], line: number): SheetBuilder {
    this.current = new SheetBuilder(kind, line);
    this.sheets.push(this.current);
    return this.current;
  }

  private warn(b: SheetBuilder, code: Warning['code'], message: string, row?: number) {
    b.sheet.warnings.push({ code, message, where: { sheet: b.label, row } });
  }

  // ---- whole-document checks -----------------------------------------------------------------
  private finish(): ImportResult {
    if (this.prose) this.closeProse(Number.MAX_SAFE_INTEGER);
    // A 项目名称 cell in another table (e.g. 政府采购预算) starts a sheet that never gets indicators.
    const sheets = this.sheets.filter((b) => b.sheet.kind === 'department' || b.sheet.indicators.length);
    const codeYear = sheets.map((b) => yearFromProjectCode(b.sheet.project?.code)).find((y) => y !== null) ?? null;
    const warnings: Warning[] = [];
    const unit = this.unit.name
      ? this.unit
      : { code: null, name: sheets.find((b) => b.sheet.attributes['主管部门'])?.sheet.attributes['主管部门'] ?? '' };
    for (const b of sheets) {
      const s = b.sheet;
      s.unit = { ...unit };
      // fix the where.sheet of warnings raised before the project name was read
      for (const w of s.warnings) if (w.where) w.where.sheet = b.label;
      if (s.kind === 'department') {
        for (const [k, v] of Object.entries(this.deptBudget))
          if (v && s.budget[k as BudgetKey] === undefined) s.budget[k as BudgetKey] = v;
        if (!s.indicators.length)
          this.warn(b, 'DEPARTMENT_WITHOUT_INDICATORS', '部门整体绩效目标只有文字说明，没有指标表');
        if (!s.budget.total) this.warn(b, 'BUDGET_MISSING', '未找到部门资金总额');
      } else if (!s.budget.total) {
        this.warn(b, 'BUDGET_MISSING', '未找到项目资金总额');
      }
      s.year = this.year;
      const code = s.project?.code;
      if (s.year === null && yearFromProjectCode(code) !== null) {
        s.year = yearFromProjectCode(code);
        this.warn(b, 'YEAR_FROM_PROJECT_CODE', `文档未写明年度，按项目编码 ${code} 第 7–8 位推断为 ${s.year} 年`);
      } else if (s.year === null && codeYear !== null) {
        s.year = codeYear;
        this.warn(b, 'YEAR_FROM_PROJECT_CODE', `文档未写明年度，按同一文档项目编码第 7–8 位推断为 ${s.year} 年`);
      }
      if (s.year === null) this.warn(b, 'YEAR_MISSING', '未找到预算年度');
      this.checkCost(b);
    }
    const dept = sheets.find((b) => b.sheet.kind === 'department');
    const projects = sheets.filter((b) => b.sheet.kind === 'project');
    if (dept?.sheet.budget.project && projects.length && projects.every((p) => p.sheet.budget.total)) {
      const sum = projects.reduce((acc, p) => acc.plus(p.sheet.budget.total ?? 0), new Decimal(0));
      if (!sum.eq(dept.sheet.budget.project)) {
        warnings.push({
          code: 'PROJECTS_NOT_SUMMING',
          message: `${projects.length} 个项目资金合计 ${sum.toFixed(2)} 万元，与部门项目支出 ${new Decimal(dept.sheet.budget.project).toFixed(2)} 万元不一致`,
          where: { sheet: dept.label },
        });
      }
    }
    for (const b of sheets) warnings.push(...b.sheet.warnings);
    void this.sourceName;
    return { sheets: sheets.map((b) => b.sheet), warnings };
  }

  private checkCost(b: SheetBuilder) {
    const total = b.sheet.budget.total;
    if (!total || b.sheet.kind !== 'project') return;
    for (const ind of b.sheet.indicators) {
      const t = ind.target;
      if (t.kind !== 'quantitative' || !isCostLevel(ind.level1, ind.level2) || !isMoneyUnit(t.unit)) continue;
      const amount = toWanYuan(t.value, t.unit);
      if (amount && amount.gt(total)) {
        this.warn(b, 'COST_EXCEEDS_BUDGET', `成本指标“${ind.name}”${t.raw} 超过项目资金总额 ${total} 万元`);
      }
    }
  }
}

/** Digits 7–8 of a Hebei 项目编码 are the budget year's last two digits (13043324P… → 2024). */
export function yearFromProjectCode(code: string | null | undefined): number | null {
  return code && /^\d{8}/.test(code) ? 2000 + Number(code.slice(6, 8)) : null;
}

function isLabelKey(k: string): boolean {
  return NAME_LABELS.test(k) || k === '项目编码';
}
