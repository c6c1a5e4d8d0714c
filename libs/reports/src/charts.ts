import * as echarts from 'echarts';

/**
 * Server-side SVG charts with Apache ECharts' SSR renderer (no DOM, no canvas, no JavaScript in the
 * page). Only markup made here may be inserted unescaped into a template: the `svg` helper of the
 * TemplateRegistry accepts Svg instances and nothing else. ECharts escapes every label it writes.
 * Labels carry no text outline: Chromium embeds outlined (stroked) text as Type 3 fonts.
 */
export class Svg {
  constructor(readonly markup: string) {}
}

const FONT = "'WenQuanYi Zen Hei', 'AR PL UMing CN', sans-serif";
const INK = '#000';
const GREY = '#777';

function render(width: number, height: number, option: echarts.EChartsCoreOption): Svg {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT, color: INK, fontSize: 11 }, ...option });
    return new Svg(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

export interface BucketBar {
  label: string;
  /** the bucket's points (分值) */
  points: string;
  /** points obtained */
  score: string;
}

/** 分值 vs 得分 by bucket (执行率, 产出, 效益, 满意度 …), values printed on the bars. */
export function bucketScoreChart(bars: BucketBar[], width = 520, height = 260): Svg {
  const top = Math.max(10, ...bars.map((b) => Math.max(Number(b.points), Number(b.score))));
  return render(width, height, {
    // legend below the axis and 20 % headroom above the tallest bar: value labels never touch the legend
    grid: { left: 40, right: 16, top: 16, bottom: 52 },
    legend: { bottom: 4, data: ['分值', '得分'], textStyle: { fontFamily: FONT } },
    xAxis: { type: 'category', data: bars.map((b) => b.label), axisLine: { lineStyle: { color: INK } } },
    yAxis: {
      type: 'value',
      min: 0,
      max: Math.ceil((top * 1.2) / 10) * 10,
      splitLine: { lineStyle: { color: '#ddd' } },
    },
    series: [
      {
        name: '分值',
        type: 'bar',
        data: bars.map((b) => Number(b.points)),
        itemStyle: { color: '#bbb' },
        label: {
          show: true,
          position: 'top',
          textBorderWidth: 0,
          fontFamily: FONT,
          color: GREY,
          formatter: (p: { dataIndex: number }) => bars[p.dataIndex].points,
        },
      },
      {
        name: '得分',
        type: 'bar',
        data: bars.map((b) => Number(b.score)),
        itemStyle: { color: '#333' },
        label: {
          show: true,
          position: 'top',
          textBorderWidth: 0,
          fontFamily: FONT,
          color: INK,
          formatter: (p: { dataIndex: number }) => bars[p.dataIndex].score,
        },
      },
    ],
  });
}

export interface QuarterPoint {
  label: string;
  /** planned cumulative 执行率 % */
  plan: string;
  /** actual cumulative 执行率 %, null when not reported */
  actual: string | null;
}

/**
 * Where a bar's value goes so the plan line never runs through it: inside the bar (white on grey) at
 * the end away from where the line crosses it; above a bar too short to hold it.
 */
function barLabel(p: QuarterPoint, axisMax: number) {
  const actual = Number(p.actual);
  const plan = Number(p.plan);
  const labelSpan = axisMax * 0.14; // a label's height in axis units, with its margin
  if (actual < labelSpan * 1.2) return { position: 'top', color: INK };
  const lineInUpperHalf = plan >= actual / 2;
  return { position: lineInUpperHalf ? 'insideBottom' : 'insideTop', color: '#fff' };
}

/** Cumulative 执行率: actual bars against the 资金支出计划 line, by quarter. */
export function spendingProgressChart(points: QuarterPoint[], width = 520, height = 260): Svg {
  // above 100 % (超预算) the axis grows, so the bar is not cut off
  const top = Math.max(100, ...points.map((p) => (p.actual === null ? 0 : Number(p.actual))));
  const axisMax = Math.ceil(top / 20) * 20;
  return render(width, height, {
    grid: { left: 44, right: 16, top: 16, bottom: 52 },
    legend: { bottom: 4, data: ['计划进度', '实际执行率'], textStyle: { fontFamily: FONT } },
    xAxis: { type: 'category', data: points.map((p) => p.label), axisLine: { lineStyle: { color: INK } } },
    yAxis: {
      type: 'value',
      min: 0,
      max: axisMax,
      axisLabel: { formatter: '{value}%' },
      splitLine: { lineStyle: { color: '#ddd' } },
    },
    series: [
      {
        name: '实际执行率',
        type: 'bar',
        data: points.map((p) => (p.actual === null ? null : { value: Number(p.actual), label: barLabel(p, axisMax) })),
        itemStyle: { color: '#555' },
        label: {
          show: true,
          distance: 5,
          textBorderWidth: 0,
          fontFamily: FONT,
          formatter: (p: { dataIndex: number }) => `${points[p.dataIndex].actual}%`,
        },
      },
      {
        name: '计划进度',
        type: 'line',
        data: points.map((p) => Number(p.plan)),
        lineStyle: { color: INK, type: 'dashed' },
        itemStyle: { color: INK },
        symbol: 'circle',
      },
    ],
  });
}
