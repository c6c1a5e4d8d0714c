import { pick } from './pick';

describe('pick', () => {
  it('copies the named fields, null and undefined included, and nothing else', () => {
    const row = { id: 'u1', name: '张三', email: null, note: undefined, passwordHash: 'secret' };
    const picked = pick(row, ['id', 'email', 'note'] as const);
    expect(picked).toEqual({ id: 'u1', email: null, note: undefined });
    expect(Object.keys(picked)).toEqual(['id', 'email', 'note']);
    expect(picked).not.toHaveProperty('passwordHash');
  });
});
