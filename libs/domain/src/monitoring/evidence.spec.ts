import { checkEvidence, decodeUploadName, evidenceFileName, safeFileName, sniffEvidence } from './evidence';

describe('evidence files', () => {
  it('sniffs types from bytes, not names', () => {
    expect(sniffEvidence(Buffer.from('%PDF-1.7\n...'), 'x.png')).toEqual({ mime: 'application/pdf', ext: 'pdf' });
    expect(sniffEvidence(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), '照片')).toMatchObject({
      mime: 'image/png',
    });
    expect(sniffEvidence(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'a.jpg')).toMatchObject({ mime: 'image/jpeg' });
    expect(sniffEvidence(Buffer.from('PK\u0003\u0004'), '台账.xlsx')).toMatchObject({ ext: 'xlsx' });
    expect(sniffEvidence(Buffer.from('PK\u0003\u0004'), 'a.zip')).toBeNull();
    expect(sniffEvidence(Buffer.from('台账 1,2,3'), '台账.csv')).toMatchObject({ ext: 'csv' });
  });
  it('refuses HTML, SVG, scripts and executables whatever they are called', () => {
    expect(sniffEvidence(Buffer.from('<html><script>alert(1)</script>'), 'a.txt')).toBeNull();
    expect(sniffEvidence(Buffer.from('<svg onload=alert(1)>'), 'a.png')).toBeNull();
    expect(sniffEvidence(Buffer.from('MZ\u0090\u0000'), 'report.pdf')).toBeNull();
    expect(() => checkEvidence(Buffer.from('<html>'), 'a.html')).toThrow(/类型不受支持/);
  });
  it('strips paths and control characters from names', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('..\\..\\windows\\system.ini')).toBe('system.ini');
    expect(safeFileName('a\u0000b<c>.pdf')).toBe('abc.pdf');
    expect(safeFileName('../')).toBe('附件');
  });
  it('removes bidi overrides, zero-width and C1 control characters', () => {
    expect(safeFileName('报告\u202Efdp.exe')).toBe('报告fdp.exe');
    expect(safeFileName('a\u2066b\u2069\u200b\u200f\u0085\ufeffc.pdf')).toBe('abc.pdf');
    expect(safeFileName('line\u2028break.pdf')).toBe('linebreak.pdf');
  });
  it('names a stored file by what it is, not what it claims', () => {
    const pdf = checkEvidence(Buffer.from('%PDF-1.7\n'), 'x.html');
    expect(evidenceFileName('x.html', pdf)).toBe('x.pdf');
    expect(evidenceFileName('报告.PDF', pdf)).toBe('报告.PDF');
    expect(evidenceFileName('报告', pdf)).toBe('报告.pdf');
    expect(evidenceFileName('照片.jpeg', { mime: 'image/jpeg', ext: 'jpg' })).toBe('照片.jpeg');
    expect(evidenceFileName('a.svg', { mime: 'image/png', ext: 'png' })).toBe('a.png');
  });
  it('refuses text that a browser could render as markup', () => {
    for (const t of ['<!DOCTYPE html><p>x', '<?xml version="1.0"?><svg/>', '< iframe src=x>', '<img src=x onerror=1>'])
      expect(sniffEvidence(Buffer.from(t), 'a.txt')).toBeNull();
    expect(sniffEvidence(Buffer.from('a<b, 1 < 2'), 'a.txt')).toMatchObject({ ext: 'txt' });
  });
  it('decodes upload names sent as UTF-8 or GBK, and refuses what is neither', () => {
    const latin1 = (b: Buffer) => b.toString('latin1');
    expect(decodeUploadName(latin1(Buffer.from('佐证材料.pdf', 'utf8')))).toBe('佐证材料.pdf');
    // 中文.pdf in GBK
    expect(decodeUploadName(latin1(Buffer.from([0xd6, 0xd0, 0xce, 0xc4, 0x2e, 0x70, 0x64, 0x66])))).toBe('中文.pdf');
    expect(decodeUploadName('已解码.pdf')).toBe('已解码.pdf');
    expect(() => decodeUploadName(latin1(Buffer.from([0xff, 0xfe, 0x2e, 0x70])))).toThrow(/编码无法识别/);
  });
  it('refuses empty and oversized files', () => {
    expect(() => checkEvidence(new Uint8Array(), 'a.pdf')).toThrow(/空文件/);
    expect(() => checkEvidence(Buffer.alloc(21 * 1024 * 1024, 0x25), 'a.pdf')).toThrow(/超过 20 MB/);
  });
});
