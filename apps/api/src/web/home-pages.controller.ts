import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ActualsQueries } from '@selfeval/actuals';
import { EvaluationService, TodoService } from '@selfeval/evaluation';
import { PERIOD_NAME, PERIODS, sheetLabel, ungradedReason } from '@selfeval/domain';
import { TargetsService } from '@selfeval/targets';
import { Allow, CurrentActor, RequestActor, scopedUnitIds } from '../auth/access.decorators';
import { WebViews } from './web-views';

/** The home page (each role's to-do list, then the sheets) and the monitoring board. */
// pages, not JSON: kept out of the OpenAPI document
@ApiExcludeController()
@Controller()
export class HomePagesController {
  constructor(
    private readonly views: WebViews,
    private readonly targets: TargetsService,
    private readonly queries: ActualsQueries,
    private readonly evaluations: EvaluationService,
    private readonly todos: TodoService,
  ) {}

  @Get()
  @Allow('targets.read')
  async home(@Req() req: Request, @CurrentActor() actor: RequestActor, @Query('changed') changed?: string) {
    const sheets = (await this.targets.listSheets({ unitIds: scopedUnitIds(actor) })).filter(
      (s) => s.status === 'approved' || actor.user.role === 'admin',
    );
    const statuses = await this.queries.statuses(sheets.map((s) => s.id));
    const evs = await this.evaluations.bySheet(sheets.map((s) => s.id));
    const rows = sheets.map((s) => {
      const ev = evs.get(s.id);
      return {
        id: s.id,
        year: s.year,
        unit: s.unit?.name,
        name: sheetLabel(s),
        sheetStatus: s.status,
        quarters: PERIODS.map((p) => ({ period: p, status: statuses.get(s.id)?.[p] ?? null })),
        evaluation: ev
          ? { status: ev.status, total: ev.total, grade: ev.grade ?? (ev.result ? ungradedReason(ev.result) : null) }
          : null,
      };
    });
    const todo = await this.todos.forActor(actor.user.role, scopedUnitIds(actor));
    return this.views.render(req, 'home', '首页', {
      rows,
      todo,
      todoCount: todo.reduce((n, x) => n + x.total, 0),
      changed: changed === '1',
    });
  }

  @Get('board')
  @Allow('board.read')
  async board(
    @Req() req: Request,
    @CurrentActor() actor: RequestActor,
    @Query('year') yearText?: string,
    @Query('period') period = 'Q1',
  ) {
    const scope = scopedUnitIds(actor);
    // every year that has sheets, and the one asked for; without one, this year if it has sheets, else the newest
    const sheetYears = await this.queries.sheetYears(scope);
    const thisYear = new Date().getFullYear();
    const year = Number(yearText) || (sheetYears.includes(thisYear) || !sheetYears.length ? thisYear : sheetYears[0]);
    const chosen = PERIODS.includes(period as never) ? period : 'Q1';
    const board = await this.queries.board(year, chosen, scope);
    return this.views.render(req, 'board', '监控看板', {
      ...board,
      rows: board.rows.map((r) => ({
        ...r,
        sheetName: sheetLabel({ kind: r.kind, name: r.sheetName }),
        // lights are computed when a report is handed in; before that there is nothing to light
        reported: r.status === 'submitted' || r.status === 'confirmed',
      })),
      years: [...new Set([...sheetYears, year])].sort((a, b) => b - a),
      periods: PERIODS.map((p) => ({ value: p, label: PERIOD_NAME[p] })),
    });
  }
}
