import { DomainError } from '@selfeval/domain';
import { expectedVersion } from './expected-version';

describe('expectedVersion: the version a client read, from the body or If-Match', () => {
  it('takes the body version, or If-Match in its strong, weak and bare forms', () => {
    expect(expectedVersion(undefined, undefined)).toBeUndefined();
    expect(expectedVersion(4, undefined)).toBe(4);
    expect(expectedVersion(undefined, '"3"')).toBe(3);
    expect(expectedVersion(undefined, 'W/"3"')).toBe(3);
    expect(expectedVersion(undefined, '0')).toBe(0);
    expect(expectedVersion(3, '"3"')).toBe(3);
  });

  it('refuses a header that is no version, or one that contradicts the body, in Chinese', () => {
    for (const [body, header, text] of [
      [undefined, '*', 'If-Match“*”应为读取时的版本号'],
      [undefined, '"abc"', 'If-Match“"abc"”应为读取时的版本号'],
      [2, '"3"', '请求体的 version 2 与 If-Match 3 不一致'],
    ] as const) {
      let error: unknown;
      try {
        expectedVersion(body, header);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('VALIDATION_FAILED');
      expect((error as DomainError).userMessage).toContain(text);
    }
  });
});
