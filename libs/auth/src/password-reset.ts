import { createHash, randomBytes } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { PasswordResetEntity, UserAccountEntity } from '@selfeval/db';

/** How long a mailed reset link works. */
export const RESET_TOKEN_MINUTES = 30;

export const hashResetToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * A new reset token for an active user with an e-mail address: 256 random bits, returned once (for
 * the mail) and stored only as its SHA-256. The user's older unused tokens stop working. Null when
 * there is no such user or nowhere to send it.
 */
export async function issueResetToken(
  ds: DataSource,
  userId: string,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date; email: string; user: UserAccountEntity } | null> {
  return ds.transaction(async (em) => {
    const user = await em.getRepository(UserAccountEntity).findOneBy({ id: userId, active: true });
    if (!user?.email) return null;
    const resets = em.getRepository(PasswordResetEntity);
    await resets.update({ userId, usedAt: IsNull() }, { usedAt: now });
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + RESET_TOKEN_MINUTES * 60_000);
    await resets.insert(
      resets.create({ userId, tokenHash: hashResetToken(token), expiresAt, usedAt: null, createdAt: now }),
    );
    return { token, expiresAt, email: user.email, user };
  });
}
