import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '@selfeval/domain';
import { WithUuid } from './with-uuid';

/** A person who signs in. Reporters and heads belong to one unit; evaluators are assigned units. */
@Entity('user_account')
export class UserAccountEntity extends WithUuid {
  @Column({ type: 'varchar', length: 64, unique: true }) username!: string;
  @Column({ type: 'varchar', length: 100, name: 'display_name' }) displayName!: string;
  @Column({ type: 'varchar', length: 16 }) role!: Role;
  @Column({ type: 'varchar', length: 36, nullable: true, name: 'unit_id' }) unitId!: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) email!: string | null;
  /** bcrypt; never leaves the auth library */
  @Column({ type: 'varchar', length: 100, name: 'password_hash', select: false }) passwordHash!: string;
  @Column({ type: 'boolean', name: 'must_change_password', default: true }) mustChangePassword!: boolean;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  /** bumped by a password change or reset: a session signed in under an older value is over */
  @Column({ type: 'int', name: 'session_version', default: 0 }) sessionVersion!: number;
  @Column({ type: Date, name: 'created_at' }) createdAt!: Date;
  @Column({ type: Date, nullable: true, name: 'last_login_at' }) lastLoginAt!: Date | null;
}

@Entity('evaluator_assignment')
export class EvaluatorAssignmentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36, name: 'user_id' }) userId!: string;
  @PrimaryColumn({ type: 'varchar', length: 36, name: 'unit_id' }) unitId!: string;
}

/**
 * A mailed password-reset token: only its SHA-256 is stored; single use (used_at), short-lived
 * (expires_at). Issuing a new one for a user retires the older ones.
 */
@Entity('password_reset')
export class PasswordResetEntity extends WithUuid {
  @Column({ type: 'varchar', length: 36, name: 'user_id' }) userId!: string;
  @Column({ type: 'varchar', length: 64, name: 'token_hash', unique: true }) tokenHash!: string;
  @Column({ type: Date, name: 'expires_at' }) expiresAt!: Date;
  @Column({ type: Date, nullable: true, name: 'used_at' }) usedAt!: Date | null;
  @Column({ type: Date, name: 'created_at' }) createdAt!: Date;
}
