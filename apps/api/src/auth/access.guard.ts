import { BadRequestException, CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { SessionUser, UnitResolver, UsersService } from '@selfeval/auth';
import { can, DomainError, inScope, ROLE_LABELS } from '@selfeval/domain';
import { ACCESS, AccessPolicy, RequestActor } from './access.decorators';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Routes a user with a one-time password may still use. */
const WHILE_PASSWORD_MUST_CHANGE = new Set([
  '/api/auth/session',
  '/api/auth/password',
  '/api/auth/logout',
  '/password',
  '/logout',
]);

/**
 * Every route declares its policy; a route without one is refused (fail closed), so a new route
 * cannot be open by accident. Other units' data answers 404.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
    private readonly units: UnitResolver,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    const req = ctx.switchToHttp().getRequest<Request & { actor?: RequestActor }>();
    if (!policy) throw new DomainError('FORBIDDEN', '该功能没有访问规则，已拒绝（请联系管理员）');
    const userId = req.session?.userId;
    if (policy.public) {
      // public routes (health, login) must answer even when the user cannot be looked up (database away)
      if (userId) await this.attach(req, userId).catch(() => undefined);
      return true;
    }
    const user = userId ? await this.attach(req, userId) : null;
    if (!user) throw new DomainError('UNAUTHENTICATED', '请先登录');
    if (user.mustChangePassword && !WHILE_PASSWORD_MUST_CHANGE.has(req.path))
      throw new DomainError('FORBIDDEN', '请先修改初始密码', { field: 'password' });
    if (!can(user.role, policy.permission))
      throw new DomainError('FORBIDDEN', `${ROLE_LABELS[user.role]}无权执行此操作`);
    if (policy.unit) {
      const id = req.params[policy.unit.param];
      if (policy.unit.subject !== 'unit-code' && typeof id === 'string' && !UUID.test(id))
        throw new BadRequestException(`“${policy.unit.param}”应为 UUID`);
      const unitId = typeof id === 'string' ? await this.units.unitOf(policy.unit.subject, id) : null;
      if (unitId === null || !req.actor || !inScope(req.actor.scope, unitId))
        throw new DomainError('NOT_FOUND', '找不到该内容，或您无权查看', { field: policy.unit.param });
    }
    return true;
  }

  private attach(req: Request & { actor?: RequestActor }, userId: string) {
    return attachActor(this.users, req, userId);
  }
}

/**
 * The signed-in user of the session on `req.actor` (and returned); null when the account is gone or the
 * session predates the last password change or reset (that session is over). Also used by the error pages,
 * which are rendered for requests no route (and so no guard) handled.
 */
export async function attachActor(
  users: UsersService,
  req: Request & { actor?: RequestActor },
  userId: string,
): Promise<SessionUser | null> {
  const found = await users.get(userId);
  const user = found && found.sessionVersion === (req.session.sessionVersion ?? 0) ? found : null;
  if (user) req.actor = { user, scope: await users.scopeOf(user) };
  return user;
}
