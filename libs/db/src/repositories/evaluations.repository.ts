import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { DEFAULT_PROFILE_ID, DomainError, findProfile } from '@selfeval/domain';
import { IndicatorScoreEntity, SelfEvaluationEntity } from '../entities';
import { findSheet } from './sheets.repository';

type Db = DataSource | EntityManager;

export function findEvaluation(db: Db, sheetId: string) {
  return db.getRepository(SelfEvaluationEntity).findOneBy({ sheetId });
}

export function indicatorScores(db: Db, evaluationId: string) {
  return db.getRepository(IndicatorScoreEntity).findBy({ evaluationId });
}

/**
 * The evaluation row locked for the rest of the transaction (PostgreSQL; SQLite runs one writer at a
 * time): every write to an evaluation and its score rows (edits, decisions, the scoring job) takes
 * this lock first, so they queue per evaluation instead of overwriting each other or deadlocking.
 */
export async function lockEvaluation(
  em: EntityManager,
  where: { id: string } | { sheetId: string },
): Promise<SelfEvaluationEntity | null> {
  const query = em.getRepository(SelfEvaluationEntity).createQueryBuilder('e');
  if ('id' in where) query.where('e.id = :id', { id: where.id });
  else query.where('e.sheet_id = :sheetId', { sheetId: where.sheetId });
  if (em.connection.options.type === 'postgres') query.setLock('pessimistic_write');
  return query.getOne();
}

/**
 * The self-evaluation of an approved sheet (locked, see lockEvaluation), created on first use. Two first uses at once both end
 * with the same row: the loser's INSERT does nothing instead of failing on the unique sheet_id.
 */
export async function ensureEvaluation(em: EntityManager, sheetId: string): Promise<SelfEvaluationEntity> {
  const found = await lockEvaluation(em, { sheetId });
  if (found) return found;
  const sheet = await findSheet(em, sheetId);
  if (sheet.status !== 'approved')
    throw new DomainError('WORKFLOW_STATE', `“${sheet.name}”尚未批复，不能自评`, { sheet: sheet.name });
  const profile = findProfile(DEFAULT_PROFILE_ID);
  if (!profile) throw new Error(`default profile ${DEFAULT_PROFILE_ID} is not registered`);
  await em
    .createQueryBuilder()
    .insert()
    .into(SelfEvaluationEntity)
    .values({
      id: randomUUID(),
      sheetId,
      unitId: sheet.unitId,
      profileId: profile.id,
      profileVersion: profile.version,
      dataVersion: 0,
      scoreState: 'stale',
      status: 'draft',
    })
    .orIgnore()
    .updateEntity(false)
    .execute();
  const made = await lockEvaluation(em, { sheetId });
  if (!made) throw new Error(`self-evaluation of sheet ${sheetId} vanished`);
  return made;
}

/** An indicator's score row, new (not yet saved) when the indicator has none. */
export function newIndicatorScore(em: EntityManager, evaluationId: string, indicatorId: string) {
  return em.getRepository(IndicatorScoreEntity).create({
    evaluationId,
    indicatorId,
    notApplicable: false,
    unitWeight: null,
    explanationText: null,
    causeCategory: null,
    weight: null,
    ruleScore: null,
    draft: null,
    reviewerScore: null,
    reviewerComment: null,
    reviewer: null,
    reviewedAt: null,
  });
}

/** Chinese message when a save was made on top of a newer version than the one the user read (HTTP 409). */
export const STALE_VERSION = '已被他人修改：您看到的是旧版本，请对照最新内容后重新保存';

/**
 * Approved is final (and submitted waits for the review): the score inputs of a sheet — every quarter's
 * values and spending, weights, explanations, texts, profile, the target version — change only while its
 * self-evaluation is a draft or returned. The evaluation row is locked (see lockEvaluation), so a
 * concurrent approve or reopen is ordered before or after this write, never interleaved with it.
 * One rule for every path (API, pages, workbook upload, CLI): the services call it, not the controllers.
 */
export async function assertScoreInputsOpen(em: EntityManager, sheetId: string, what: string): Promise<void> {
  const ev = await lockEvaluation(em, { sheetId });
  if (ev?.status === 'approved')
    throw new DomainError('WORKFLOW_STATE', `自评已审核通过，不能${what}；如需修改，请评审人先重新打开自评`, {
      field: 'status',
    });
  if (ev?.status === 'submitted')
    throw new DomainError('WORKFLOW_STATE', `自评已提交评审，不能${what}；评审人退回后才能修改`, {
      field: 'status',
    });
}
