import { DomainError } from '../errors';
import { decodeTextDocument } from './decode-document';

const fail = (bytes: Uint8Array, max?: number) => {
  try {
    decodeTextDocument(bytes, '目标表.txt', max);
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('expected a DomainError');
};

describe('decodeTextDocument', () => {
  it('decodes UTF-8 text (with BOM kept for the tokenizer to drop)', () => {
    expect(decodeTextDocument(Buffer.from('项目名称\t甲'), 'a.txt')).toBe('项目名称\t甲');
  });
  it('refuses GBK text with advice, naming the file', () => {
    const gbk = Buffer.from([0xcf, 0xee, 0xc4, 0xbf, 0xc3, 0xfb, 0xb3, 0xc6]); // 项目名称 in GBK
    const e = fail(gbk);
    expect(e.code).toBe('FILE_NOT_UTF8');
    expect(e.userMessage).toContain('目标表.txt');
    expect(e.userMessage).toContain('GBK');
  });
  it('refuses empty, blank, zipped, binary and oversized files', () => {
    expect(fail(new Uint8Array()).code).toBe('FILE_EMPTY');
    expect(fail(Buffer.from('  \n\n')).code).toBe('FILE_EMPTY');
    expect(fail(Buffer.from('PK\u0003\u0004rest')).code).toBe('FILE_FORMAT_UNSUPPORTED');
    expect(fail(Buffer.from('a\u0000b')).code).toBe('FILE_FORMAT_UNSUPPORTED');
    const big = fail(Buffer.alloc(51 * 1024 * 1024, 0x61), 50 * 1024 * 1024);
    expect(big.code).toBe('FILE_TOO_LARGE');
    expect(big.userMessage).toContain('51.0 MB');
  });
});
