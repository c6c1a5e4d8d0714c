import { DataSource } from 'typeorm';
import { EvaluationService } from '@selfeval/evaluation';
import { Job, JobProducer } from '@selfeval/jobs';
import type { Agent } from '../helpers/auth';
import { describePg } from '../helpers/postgres';
import { LUKOU_YEAR_END, Stack, startStack } from '../helpers/stack';

describePg(
  'scoring as BullMQ jobs: a seed department and its projects on PostgreSQL + Redis with a real worker',
  () => {
    let stack: Stack;
    let admin: Agent;
    const http = () => admin;
    const sheets: Record<
      string,
      { id: string; indicators: { id: string; name: string; targetRaw: string; targetKind: string; level2: string }[] }
    > = {};

    const scored = (sheetId: string) => stack.scored(sheetId);

    /** Year-end actuals meeting every target, except those given. */
    function q4(sheet: (typeof sheets)[string], spent: string, except: Record<string, string> = {}) {
      return {
        spending: [{ source: '财政拨款', amount: spent }],
        values: sheet.indicators.map((i) => {
          if (i.targetKind === 'qualitative') return { indicatorId: i.id, grade: '达成年度指标' };
          const met = i.targetRaw.replace(/^[≥≤=]/, '');
          return { indicatorId: i.id, value: except[i.name] ?? met };
        }),
      };
    }

    beforeAll(async () => {
      stack = await startStack({
        ...LUKOU_YEAR_END,
        names: {
          admin: { displayName: '管理员' },
          head: { displayName: '赵负责人' },
          evaluator: { displayName: '王评审', username: 'wang.ps' },
        },
      });
      admin = stack.users.admin;
      for (const s of stack.sheets) {
        sheets[s.kind === 'department' ? '部门' : s.name] = {
          id: s.id,
          indicators: (await http().get(`/api/targets/sheets/${s.id}`).expect(200)).body.indicators,
        };
      }
    });
    afterAll(() => stack?.close());

    it('scores each sheet when its year-end report is submitted', async () => {
      const p1 = sheets['安保信访维稳专项（含特护期京、郑、长、株等地）'];
      await http()
        .put(`/api/actuals/sheets/${p1.id}/periods/Q4`)
        .send(q4(p1, '54', { 非正常上访人员劝返率: '81%' }))
        .expect(200);
      await http().post(`/api/actuals/sheets/${p1.id}/periods/Q4/submit`).expect(201);
      const ev = await scored(p1.id);
      // by hand: 执行率 54/60 → 9; 产出 50 over six → 8.33 ×5 + 8.35; 劝返率 8.33 × 81/90 = 7.497;
      // 效益 30 over three, 满意度 10: total 9 + 49.167 + 30 + 10 = 98.167 → 98.17 优
      expect(ev).toMatchObject({
        total: '98.17',
        totalExact: '98.167',
        grade: '优',
        scoreState: 'scored',
        profileId: 'national-2020',
      });
      const row = ev.indicators.find(
        (r: { indicatorId: string }) =>
          r.indicatorId === p1.indicators.find((i) => i.name === '非正常上访人员劝返率')!.id,
      );
      expect(row).toMatchObject({ weight: '8.33', ruleScore: '7.497' });
      // targets are written in words in drafts, never as ≥ (docs/targets.md)
      expect(row.draft).toMatch(/^非正常上访人员劝返率年度指标值不低于90%，实际完成81%，完成率90%，扣0\.83分。/);
      expect(row.draft).not.toMatch(/[≥≤]/);

      for (const name of ['部门', '驻京维稳工作组专项']) {
        const s = sheets[name];
        await http()
          .put(`/api/actuals/sheets/${s.id}/periods/Q4`)
          .send(q4(s, name === '部门' ? '259.05' : '60'))
          .expect(200);
        await http().post(`/api/actuals/sheets/${s.id}/periods/Q4/submit`).expect(201);
        expect(await scored(s.id)).toMatchObject({ total: '100.00', grade: '优' });
      }
    });

    it('keeps a human explanation and never drafts over it', async () => {
      const p1 = sheets['安保信访维稳专项（含特护期京、郑、长、株等地）'];
      const ind = p1.indicators.find((i) => i.name === '非正常上访人员劝返率')!;
      await http()
        .put(`/api/evaluations/${p1.id}/indicators/${ind.id}/explanation`)
        .send({ text: '部分上访人员异地滞留，劝返难度大。下一年度加强属地协作。', causeCategory: '政策或外部变化' })
        .expect(200);
      const ev = await scored(p1.id);
      const row = ev.indicators.find((r: { indicatorId: string }) => r.indicatorId === ind.id);
      expect(row).toMatchObject({
        explanationText: '部分上访人员异地滞留，劝返难度大。下一年度加强属地协作。',
        draft: null,
        ruleScore: '7.497',
      });
    });

    it("rescores after a unit re-weights; the unit's own bucket totals are a review flag, not a failure", async () => {
      const p1 = sheets['安保信访维稳专项（含特护期京、郑、长、株等地）'];
      const output = p1.indicators.filter((i) =>
        ['数量指标', '质量指标', '时效指标', '经济成本指标'].includes(i.level2),
      );
      const weights = ['10', '10', '10', '10', '5', '5'];
      await http()
        .put(`/api/evaluations/${p1.id}/weights`)
        .send({ weights: output.map((i, k) => ({ indicatorId: i.id, weight: weights[k] })) })
        .expect(200);
      // 劝返率 now 10 × 0.9 = 9: total 9 + (10+10+10+9+5+5) + 30 + 10 = 98.00; 效益/满意度 keep the profile's split
      const reweighted = await scored(p1.id);
      expect(reweighted).toMatchObject({ total: '98.00', grade: '优' });
      const codes = (ev: { result: { flags: { code: string }[] } }) => ev.result.flags.map((f) => f.code);
      expect(codes(reweighted)).toEqual(['BUCKET_WEIGHTS_FROM_PROFILE', 'BUCKET_WEIGHTS_FROM_PROFILE']);

      await http()
        .put(`/api/evaluations/${p1.id}/weights`)
        .send({ weights: [{ indicatorId: output[0].id, weight: '20' }] })
        .expect(200);
      // 产出 60 instead of 50: scored by the unit's 分值 (9 + 59 + 30 + 10) and flagged for the reviewer
      const own = await scored(p1.id);
      expect(own).toMatchObject({ scoreState: 'scored', scoreError: null, total: '108.00' });
      expect(codes(own)).toEqual(expect.arrayContaining(['BUCKET_TOTALS_DIFFER', 'POINTS_NOT_100']));
      expect(own.result.flags.find((f: { code: string }) => f.code === 'BUCKET_TOTALS_DIFFER').message).toContain(
        '产出指标 60',
      );
      await http()
        .put(`/api/evaluations/${p1.id}/weights`)
        .send({ weights: [{ indicatorId: output[0].id, weight: '10' }] })
        .expect(200);
      expect(await scored(p1.id)).toMatchObject({ total: '98.00', scoreState: 'scored' });
    });

    it('keeps the reviewer score beside the self-score and makes it final for the total', async () => {
      const p1 = sheets['安保信访维稳专项（含特护期京、郑、长、株等地）'];
      const ind = p1.indicators.find((i) => i.name === '非正常上访人员劝返率')!;
      const { head, evaluator: reviewer } = stack.users; // of the seed's one unit; the evaluator assigned to it
      // reviewers score only submitted evaluations; submission needs every required explanation
      await reviewer
        .put(`/api/evaluations/${p1.id}/indicators/${ind.id}/review`)
        .send({ score: '8', comment: '' })
        .expect(409);
      // the explanation written earlier is cleared: 9 of 10 points needs one (§4.7)
      await http().put(`/api/evaluations/${p1.id}/indicators/${ind.id}/explanation`).send({ text: '' }).expect(200);
      await scored(p1.id);
      const refused = await head.post(`/api/evaluations/${p1.id}/submit`).expect(422);
      expect(refused.body.message).toBe('以下项目须填写偏差原因分析及改进措施后才能提交：“非正常上访人员劝返率”');
      await http()
        .put(`/api/evaluations/${p1.id}/indicators/${ind.id}/explanation`)
        .send({ text: '部分上访人员异地滞留，劝返难度大。改进措施：2027年加强属地协作。' })
        .expect(200);
      await scored(p1.id);
      await head.post(`/api/evaluations/${p1.id}/submit`).expect(201);
      await reviewer
        .put(`/api/evaluations/${p1.id}/indicators/${ind.id}/review`)
        .send({ score: '11', comment: '' })
        .expect(422);
      await reviewer
        .put(`/api/evaluations/${p1.id}/indicators/${ind.id}/review`)
        .send({ score: '8', comment: '佐证材料不全' })
        .expect(200);
      const ev = await scored(p1.id);
      expect(ev.indicators.find((r: { indicatorId: string }) => r.indicatorId === ind.id)).toMatchObject({
        ruleScore: '9',
        reviewerScore: '8',
        reviewerComment: '佐证材料不全',
        reviewer: '王评审（wang.ps）',
      });
      expect(ev).toMatchObject({ total: '98.00', reviewedTotal: '97.00', status: 'submitted' });
      // the unit cannot change a submitted evaluation; the evaluator approves it
      await head.put(`/api/evaluations/${p1.id}/weights`).send({ weights: [] }).expect(409);
      const approved = await reviewer.post(`/api/evaluations/${p1.id}/approve`).expect(201);
      expect(approved.body).toMatchObject({ status: 'approved', decidedBy: '王评审（wang.ps）' });
    });

    it('skips a job for an older data version and marks scores stale while recomputing', async () => {
      const ds = stack.app.get(DataSource);
      // enqueues nothing: the state stays visible
      const quiet = new EvaluationService(
        ds,
        async () => undefined,
        () => new Date(),
      );
      const p2 = sheets['驻京维稳工作组专项'];
      const before = (await http().get(`/api/evaluations/${p2.id}`).expect(200)).body;
      const bumped = await quiet.requestScoring(p2.id);
      expect(bumped).toMatchObject({ scoreState: 'stale', dataVersion: before.dataVersion + 1 });
      expect((await http().get(`/api/evaluations/${p2.id}`).expect(200)).body.current).toBe(false);
      expect(await quiet.score(bumped.id, before.dataVersion)).toBe('skipped');
    });

    it('recomputes every evaluation of a profile through a fan-out job, except the approved ones', async () => {
      const p1 = sheets['安保信访维稳专项（含特护期京、郑、长、株等地）'];
      const approved = (await http().get(`/api/evaluations/${p1.id}`).expect(200)).body;
      expect(approved.status).toBe('approved');
      const result = await stack
        .worker!.get(JobProducer)
        .enqueueAndWait(Job.RecomputeAll, { profileId: 'national-2020' }, 120_000);
      // approved is final: the approved evaluation keeps its version and score until it is reopened
      expect(result).toEqual({ enqueued: 2 });
      for (const s of Object.values(sheets)) expect((await scored(s.id)).current).toBe(true);
      expect((await http().get(`/api/evaluations/${p1.id}`).expect(200)).body).toMatchObject({
        dataVersion: approved.dataVersion,
        total: approved.total,
      });
    });
  },
);
