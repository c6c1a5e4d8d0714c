import { checkEvidence, safeFileName, sniffEvidence } from './evidence';

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
  it('refuses empty and oversized files', () => {
    expect(() => checkEvidence(new Uint8Array(), 'a.pdf')).toThrow(/空文件/);
    expect(() => checkEvidence(Buffer.alloc(21 * 1024 * 1024, 0x25), 'a.pdf')).toThrow(/超过 20 MB/);
  });
});
