/**
 * Scoring profiles are data, versioned by region and year (domain.md §4). A scored sheet records
 * the id and version it was scored with. Adding a profile is adding an entry here (later: rows in
 * the database edited by administrators).
 */
export type Bucket = 'execution' | 'output' | 'effect' | 'satisfaction' | 'decision' | 'management';

export interface QualitativeBand {
  grade: QualitativeGrade;
  /** fractions of the weight; the top band includes its upper bound */
  low: string;
  high: string;
  /** score when the unit gives none, as a fraction of the weight */
  default: string;
}

export type QualitativeGrade = '达成年度指标' | '部分达成年度指标并具有一定效果' | '未达成年度指标且效果较差';

/** A scoring profile as users read it: its region and document, never its internal id (national-2020). */
export function profileLabel(p: { name: string; region: string }): string {
  if (p.name.startsWith(p.region)) return p.name;
  return `${p.region === '全国' ? '全国通用' : p.region}（${p.name}）`;
}

export interface ScoringProfile {
  id: string;
  version: number;
  region: string;
  year: number;
  name: string;
  /** points per bucket; they sum to 100 */
  buckets: Partial<Record<Bucket, string>>;
  /** where 满意度 indicators count; and where its points go when a sheet has none */
  satisfactionBucket: Bucket;
  satisfactionFallback: Bucket;
  /** formula for ≤ targets missed: ratio w×t/a, or linear to 0 at a ≥ 2t */
  lessEqual: 'ratio' | 'linear';
  overshoot: { threshold: string; policy: 'explain' | 'deduct' | 'zero' | 'manual'; deduction?: string };
  qualitative: QualitativeBand[];
  /** 执行率 below this needs an explanation */
  executionExplainBelow: string;
  /** caps on the total by 执行率: [rate below, max total], checked in order */
  executionCaps: [string, string][];
  grades: [string, string][];
}

const NATIONAL_QUALITATIVE: QualitativeBand[] = [
  { grade: '达成年度指标', low: '0.8', high: '1', default: '1' },
  { grade: '部分达成年度指标并具有一定效果', low: '0.6', high: '0.8', default: '0.6' },
  { grade: '未达成年度指标且效果较差', low: '0', high: '0.6', default: '0' },
];
const GRADES: [string, string][] = [
  ['90', '优'],
  ['80', '良'],
  ['60', '中'],
  ['0', '差'],
];

/** The national rules most profiles keep: a profile states its buckets and only what it does differently. */
const NATIONAL_RULES: Omit<ScoringProfile, 'id' | 'region' | 'year' | 'name' | 'buckets'> = {
  version: 1,
  satisfactionBucket: 'satisfaction',
  satisfactionFallback: 'effect',
  lessEqual: 'ratio',
  overshoot: { threshold: '0.3', policy: 'explain' },
  qualitative: NATIONAL_QUALITATIVE,
  executionExplainBelow: '0.9',
  executionCaps: [],
  grades: GRADES,
};

export const PROFILES: ScoringProfile[] = [
  {
    ...NATIONAL_RULES,
    id: 'national-2020',
    region: '全国',
    year: 2020,
    name: '财预〔2020〕10号 项目支出绩效自评',
    buckets: { execution: '10', output: '50', effect: '30', satisfaction: '10' },
  },
  {
    ...NATIONAL_RULES,
    id: 'national-2020-strict',
    region: '全国',
    year: 2020,
    name: '全国口径：超 30% 扣 2 分，按执行率封顶',
    buckets: { execution: '10', output: '50', effect: '30', satisfaction: '10' },
    overshoot: { threshold: '0.3', policy: 'deduct', deduction: '2' },
    executionCaps: [
      ['0.5', '59'],
      ['0.6', '69'],
      ['0.7', '79'],
      ['0.8', '89'],
    ],
  },
  {
    ...NATIONAL_RULES,
    id: 'hubei-2020',
    region: '湖北',
    year: 2020,
    name: '湖北省项目支出绩效自评（执行率 20，目标 80）',
    buckets: { execution: '20', output: '40', effect: '30', satisfaction: '10' },
    qualitative: [
      { grade: '达成年度指标', low: '0.8', high: '1', default: '1' },
      { grade: '部分达成年度指标并具有一定效果', low: '0.5', high: '0.8', default: '0.5' },
      { grade: '未达成年度指标且效果较差', low: '0', high: '0.5', default: '0' },
    ],
  },
  {
    ...NATIONAL_RULES,
    id: 'yinchuan-2021',
    region: '银川',
    year: 2021,
    name: '银川市（决策 10 / 管理 25 含执行率 10 / 产出 30 / 效益 35）',
    buckets: { decision: '10', management: '15', execution: '10', output: '30', effect: '35' },
    // 满意度 is part of 效益 here
    satisfactionBucket: 'effect',
  },
];

export const DEFAULT_PROFILE_ID = 'national-2020';

/**
 * Bucket totals that provinces and programmes print on their 自评表 (docs/scoring.md). They are data
 * for the review, not rules: a form is scored with its own 分值; a total that departs from the
 * profile's standard is flagged and named after the family it matches, if any.
 */
export interface TemplateFamily {
  id: string;
  name: string;
  buckets: Partial<Record<Bucket, string>>;
}

export const TEMPLATE_FAMILIES: TemplateFamily[] = [
  {
    id: 'national',
    name: '财预〔2020〕10号：产出 50、效益 30、满意度 10、预算执行 10',
    buckets: { execution: '10', output: '50', effect: '30', satisfaction: '10' },
  },
  {
    id: 'execution-20',
    name: '预算执行率 20 + 绩效指标 80（湖北、云南保山等）',
    buckets: { execution: '20', output: '40', effect: '30', satisfaction: '10' },
  },
  {
    id: 'xianjie',
    name: '衔接资金：产出 70、效益 20、预算执行 10',
    buckets: { execution: '10', output: '70', effect: '20' },
  },
  {
    id: 'output-40-effect-40',
    name: '产出 40、效益 40、满意度 20，不计预算执行',
    buckets: { output: '40', effect: '40', satisfaction: '20' },
  },
  {
    id: 'output-40-effect-30-satisfaction-20',
    name: '产出 40、效益 30、满意度 20、预算执行 10',
    buckets: { execution: '10', output: '40', effect: '30', satisfaction: '20' },
  },
];

/** The family whose bucket totals equal these exactly, if any. */
export function matchTemplateFamily(totals: Partial<Record<Bucket, string>>): TemplateFamily | undefined {
  const key = (b: Partial<Record<Bucket, string>>) =>
    (Object.entries(b) as [Bucket, string][])
      .filter(([, v]) => v !== undefined && Number(v) !== 0)
      .map(([k, v]) => `${k}:${Number(v)}`)
      .sort()
      .join(',');
  const want = key(totals);
  return TEMPLATE_FAMILIES.find((f) => key(f.buckets) === want);
}

export function findProfile(id: string = DEFAULT_PROFILE_ID, version?: number): ScoringProfile | undefined {
  const matches = PROFILES.filter((p) => p.id === id && (version === undefined || p.version === version));
  return matches.sort((a, b) => b.version - a.version)[0];
}
