import * as fs from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import { Svg } from './charts';
import type { DepartmentReportVM } from './view-models/department-report';
import type { MonitoringTableVM } from './view-models/monitoring-table';
import type { SelfEvalTableVM } from './view-models/self-eval-table';

/** Each template name with the view model it renders: wrong data fails to compile. */
export interface ReportViewModels {
  'self-eval-table': SelfEvalTableVM;
  'department-report': DepartmentReportVM;
  'monitoring-table': MonitoringTableVM;
}
export type ReportTemplate = keyof ReportViewModels;

/**
 * Handlebars templates under templates/report, in an isolated Handlebars environment. Templates
 * only lay out: values arrive formatted; {{ }} escapes every user text (no triple-stash anywhere; charts go through the `svg` helper).
 */
export class TemplateRegistry {
  private readonly hbs = Handlebars.create();
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate>();
  private readonly css: string;

  constructor(private readonly dir = templatesDir('report')) {
    const partials = path.join(dir, 'partials');
    for (const f of fs.readdirSync(partials)) {
      this.hbs.registerPartial(path.basename(f, '.hbs'), fs.readFileSync(path.join(partials, f), 'utf8'));
    }
    this.css = fs.readFileSync(path.join(dir, 'report.css'), 'utf8');
    // Charts are the only markup inserted unescaped, and only when made by charts.ts.
    this.hbs.registerHelper('svg', (value: unknown) => {
      if (!(value instanceof Svg)) throw new Error('the svg helper accepts charts made by charts.ts only');
      return new this.hbs.SafeString(value.markup);
    });
    this.hbs.registerHelper('inc', (n: number) => n + 1);
  }

  render<T extends ReportTemplate>(name: T, vm: ReportViewModels[T]): string {
    let tpl = this.compiled.get(name);
    if (!tpl) {
      tpl = this.hbs.compile(fs.readFileSync(path.join(this.dir, `${name}.hbs`), 'utf8'), { strict: true });
      this.compiled.set(name, tpl);
    }
    // The stylesheet is our own file, not user text: inserted as is (a <style> element does not decode entities).
    return tpl({ ...vm, css: new this.hbs.SafeString(this.css) });
  }
}

/** templates/<kind> at the repository root, from source (ts-jest) or from dist/. */
export function templatesDir(kind: string): string {
  for (const up of ['../../..', '../../../..']) {
    const dir = path.join(__dirname, up, 'templates', kind);
    if (fs.existsSync(dir)) return dir;
  }
  throw new Error(`templates/${kind} not found from ${__dirname}`);
}
