import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  Param,
  ParseUUIDPipe,
  SetMetadata,
} from '@nestjs/common';
import type { Permission, UnitScope } from '@selfeval/domain';
import type { SessionUser, UnitSubject } from '@selfeval/auth';

export const ACCESS = 'selfeval:access';

/** The policy of a route: public, or a permission plus (optionally) the route parameter naming the unit's data. */
export type AccessPolicy =
  { public: true } | { public: false; permission: Permission; unit?: { subject: UnitSubject; param: string } };

/** No sign-in needed (health, login). */
export const Public = () => SetMetadata(ACCESS, { public: true } satisfies AccessPolicy);

/**
 * Signed-in users with `permission`; with `unit`, only when the subject named by the route
 * parameter belongs to a unit in the user's scope (else 404, as if it did not exist).
 */
export const Allow = (permission: Permission, unit?: { subject: UnitSubject; param: string }) =>
  applyDecorators(SetMetadata(ACCESS, { public: false, permission, unit } satisfies AccessPolicy));

/** `@Allow(permission, SHEET)`: the target sheet named by the route's `:sheetId` belongs to a unit in scope. */
export const SHEET = { subject: 'sheet', param: 'sheetId' } as const satisfies { subject: UnitSubject; param: string };

/** `@Allow(permission, UNIT)`: the unit named by the route's `:id` is in scope. */
export const UNIT = { subject: 'unit', param: 'id' } as const satisfies { subject: UnitSubject; param: string };

/** The route's `:sheetId` (the parameter SHEET names), a UUID. */
export const SheetId = () => Param(SHEET.param, ParseUUIDPipe);

export interface RequestActor {
  user: SessionUser;
  scope: UnitScope;
}

/** The signed-in user and the units they may see (set by the AccessGuard). */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestActor => {
  const actor = ctx.switchToHttp().getRequest().actor as RequestActor | undefined;
  if (!actor) throw new Error('CurrentActor on a route without a signed-in user');
  return actor;
});

/** Who is acting, for the audit trail: 姓名（用户名）. */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const actor = ctx.switchToHttp().getRequest().actor as RequestActor | undefined;
  return actor ? `${actor.user.displayName}（${actor.user.username}）` : '系统';
});

/** The unit ids a list may show: undefined for all (administrators). */
export function scopedUnitIds(actor: RequestActor): readonly string[] | undefined {
  return actor.scope.all ? undefined : actor.scope.unitIds;
}
