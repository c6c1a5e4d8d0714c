import bcrypt from 'bcryptjs';
import { randomInt } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { EvaluatorAssignmentEntity, PasswordResetEntity, UnitEntity, UserAccountEntity } from '@selfeval/db';
import { hashResetToken } from './password-reset';
import { DomainError, passwordProblems, pick, Role, ROLES, UnitScope } from '@selfeval/domain';

/** What a request knows about its signed-in user. */
export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  unitId: string | null;
  mustChangePassword: boolean;
  /** the account's session version; a session holding another value was signed in before a password change */
  sessionVersion: number;
}

/** The only user fields any response carries (an allow-list: a new column is not published by accident). */
export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  unitId: string | null;
  email: string | null;
  mustChangePassword: boolean;
  active: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
}

const PUBLIC_USER_FIELDS = [
  'id',
  'username',
  'displayName',
  'role',
  'unitId',
  'email',
  'mustChangePassword',
  'active',
  'createdAt',
  'lastLoginAt',
] as const satisfies readonly (keyof PublicUser)[];

export function publicUser(u: UserAccountEntity): PublicUser {
  return pick(u, PUBLIC_USER_FIELDS);
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  unitCode?: string | null;
  email?: string | null;
  /** when absent a one-time password is generated and returned */
  password?: string;
}

const USERNAME = /^[A-Za-z0-9._-]{3,64}$/;
// no 0/O/1/l/I: one-time passwords are read off a screen and typed
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

export function oneTimePassword(length = 14): string {
  let out = '';
  while (!/[A-Za-z]/.test(out) || !/\d/.test(out)) {
    out = Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  }
  return out;
}

/** Accounts: bcrypt hashes (cost from config), one-time passwords that must be changed, unit scope. */
export class UsersService {
  // a real hash to compare against when the user does not exist, so timing does not reveal usernames
  private readonly dummyHash: string;

  constructor(
    private readonly ds: DataSource,
    private readonly cost = 12,
  ) {
    this.dummyHash = bcrypt.hashSync('not-a-password-0', cost);
  }

  async create(input: NewUser): Promise<{ user: PublicUser; oneTimePassword: string | null }> {
    if (!USERNAME.test(input.username))
      throw new DomainError('VALIDATION_FAILED', '用户名须为 3–64 位字母、数字或 . _ -', { field: 'username' });
    if (!ROLES.includes(input.role))
      throw new DomainError('VALIDATION_FAILED', `角色“${input.role}”应为：${ROLES.join('、')}`, { field: 'role' });
    if (!input.displayName?.trim()) throw new DomainError('VALIDATION_FAILED', '请填写姓名', { field: 'displayName' });
    const unitBound = input.role === 'reporter' || input.role === 'head';
    let unitId: string | null = null;
    if (unitBound) {
      const unit = input.unitCode ? await this.ds.getRepository(UnitEntity).findOneBy({ code: input.unitCode }) : null;
      if (!unit)
        throw new DomainError(
          'VALIDATION_FAILED',
          input.unitCode ? `找不到单位代码“${input.unitCode}”` : '填报人和单位负责人须指定所属单位',
          { field: 'unitCode' },
        );
      unitId = unit.id;
    }
    const generated = input.password ? null : oneTimePassword();
    const password = input.password ?? generated ?? oneTimePassword();
    const problems = passwordProblems(password, input.username);
    if (problems.length) throw new DomainError('VALIDATION_FAILED', problems.join('；'), { field: 'password' });
    const repo = this.ds.getRepository(UserAccountEntity);
    if (await repo.existsBy({ username: input.username }))
      throw new DomainError('CONFLICT', `用户名“${input.username}”已存在`, { field: 'username' });
    const user = await repo.save(
      repo.create({
        username: input.username,
        displayName: input.displayName.trim(),
        role: input.role,
        unitId,
        email: input.email ?? null,
        passwordHash: await bcrypt.hash(password, this.cost),
        mustChangePassword: !!generated,
        active: true,
        sessionVersion: 0,
        createdAt: new Date(),
        lastLoginAt: null,
      }),
    );
    return { user: publicUser(user), oneTimePassword: generated };
  }

  /** The user when the password matches an active account; null otherwise (the caller says nothing more). */
  async verify(username: string, password: string): Promise<SessionUser | null> {
    const user = await this.ds
      .getRepository(UserAccountEntity)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.username = :username', { username })
      .getOne();
    const ok = await bcrypt.compare(password, user?.passwordHash ?? this.dummyHash);
    if (!user || !ok || !user.active) return null;
    await this.ds.getRepository(UserAccountEntity).update({ id: user.id }, { lastLoginAt: new Date() });
    return toSessionUser(user);
  }

  /** Sets a new password and ends every session of the user; returns the new session version (for the caller's own session). */
  async changePassword(userId: string, current: string, next: string): Promise<number> {
    const user = await this.ds
      .getRepository(UserAccountEntity)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id: userId })
      .getOneOrFail();
    if (!(await bcrypt.compare(current, user.passwordHash)))
      throw new DomainError('VALIDATION_FAILED', '当前密码不正确', { field: 'currentPassword' });
    const problems = passwordProblems(next, user.username);
    if (next === current) problems.push('新密码不能与当前密码相同');
    if (problems.length) throw new DomainError('VALIDATION_FAILED', problems.join('；'), { field: 'newPassword' });
    return this.setPassword(userId, next, false);
  }

  /**
   * Stores a new hash and bumps session_version in one UPDATE, so every session signed in before
   * (on any API process: they all read the version from the database) is refused from now on.
   */
  async setPassword(userId: string, password: string, mustChange: boolean, em?: EntityManager): Promise<number> {
    const hash = await bcrypt.hash(password, this.cost);
    const db = em ?? this.ds.manager;
    await db
      .createQueryBuilder()
      .update(UserAccountEntity)
      .set({ passwordHash: hash, mustChangePassword: mustChange, sessionVersion: () => 'session_version + 1' })
      .where('id = :id', { id: userId })
      .execute();
    const row = await db.getRepository(UserAccountEntity).findOneByOrFail({ id: userId });
    return row.sessionVersion;
  }

  /**
   * Uses a mailed reset token: sets the new password and ends every session of the user. The token
   * is spent by a conditional UPDATE in the same transaction, so two requests with one token cannot
   * both succeed; an unknown, spent or expired token changes nothing.
   */
  async resetWithToken(token: string, next: string, now = new Date()): Promise<void> {
    const invalid = () =>
      new DomainError('VALIDATION_FAILED', '重置链接无效、已使用或已过期，请重新申请', { field: 'token' });
    await this.ds.transaction(async (em) => {
      const reset = await em.getRepository(PasswordResetEntity).findOneBy({ tokenHash: hashResetToken(token) });
      if (!reset || reset.usedAt || reset.expiresAt.getTime() <= now.getTime()) throw invalid();
      const user = await em.getRepository(UserAccountEntity).findOneBy({ id: reset.userId, active: true });
      if (!user) throw invalid();
      const problems = passwordProblems(next, user.username);
      if (problems.length) throw new DomainError('VALIDATION_FAILED', problems.join('；'), { field: 'newPassword' });
      const spent = await em
        .getRepository(PasswordResetEntity)
        .update({ id: reset.id, usedAt: IsNull() }, { usedAt: now });
      if (spent.affected !== 1) throw invalid();
      await this.setPassword(user.id, next, false, em);
    });
  }

  async getPublic(userId: string): Promise<PublicUser | null> {
    const user = await this.ds.getRepository(UserAccountEntity).findOneBy({ id: userId });
    return user ? publicUser(user) : null;
  }

  /** The active account with this user name, if any (for a reset request, which never says whether it exists). */
  async findActive(username: string): Promise<PublicUser | null> {
    const user = await this.ds.getRepository(UserAccountEntity).findOneBy({ username, active: true });
    return user ? publicUser(user) : null;
  }

  /**
   * An administrator's reset: a new one-time password (shown once), to be changed at the next
   * sign-in; every session of the user ends.
   */
  async resetPassword(userId: string): Promise<string> {
    if (!(await this.ds.getRepository(UserAccountEntity).existsBy({ id: userId })))
      throw new DomainError('NOT_FOUND', '找不到该用户', { field: 'id' });
    const generated = oneTimePassword();
    await this.setPassword(userId, generated, true);
    return generated;
  }

  async get(userId: string): Promise<SessionUser | null> {
    const user = await this.ds.getRepository(UserAccountEntity).findOneBy({ id: userId, active: true });
    return user ? toSessionUser(user) : null;
  }

  async list(): Promise<PublicUser[]> {
    const rows = await this.ds.getRepository(UserAccountEntity).find({ order: { role: 'ASC', username: 'ASC' } });
    return rows.map(publicUser);
  }

  /** Replaces an evaluator's assigned units (by unit code), in one transaction. */
  async assign(userId: string, unitCodes: string[]): Promise<void> {
    await this.ds.transaction(async (em) => {
      const user = await em.getRepository(UserAccountEntity).findOneBy({ id: userId });
      if (!user || user.role !== 'evaluator')
        throw new DomainError('VALIDATION_FAILED', '只能给评审人分配单位', { field: 'userId' });
      const units = unitCodes.length ? await em.getRepository(UnitEntity).findBy({ code: In(unitCodes) }) : [];
      const missing = unitCodes.filter((c) => !units.some((u) => u.code === c));
      if (missing.length)
        throw new DomainError('VALIDATION_FAILED', `找不到单位代码：${missing.join('、')}`, { field: 'unitCodes' });
      await em.getRepository(EvaluatorAssignmentEntity).delete({ userId });
      if (units.length)
        await em.getRepository(EvaluatorAssignmentEntity).insert(units.map((u) => ({ userId, unitId: u.id })));
    });
  }

  /** The units a user may see: all for administrators, the own unit, or the assigned units. */
  async scopeOf(user: SessionUser): Promise<UnitScope> {
    if (user.role === 'admin') return { all: true };
    if (user.role === 'evaluator') {
      const rows = await this.ds.getRepository(EvaluatorAssignmentEntity).findBy({ userId: user.id });
      return { all: false, unitIds: rows.map((r) => r.unitId) };
    }
    return { all: false, unitIds: user.unitId ? [user.unitId] : [] };
  }
}

const SESSION_USER_FIELDS = [
  'id',
  'username',
  'displayName',
  'role',
  'unitId',
  'mustChangePassword',
  'sessionVersion',
] as const satisfies readonly (keyof SessionUser)[];

function toSessionUser(u: UserAccountEntity): SessionUser {
  return pick(u, SESSION_USER_FIELDS);
}
