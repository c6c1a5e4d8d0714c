import type { Agent } from '../helpers/auth';
import { describePg } from '../helpers/postgres';
import { Stack, startStack } from '../helpers/stack';

/** A multipart body written byte by byte, so the file name can be raw GBK as old Windows tools send it. */
function multipart(filename: Buffer, content: Buffer) {
  const boundary = '----selfevalTestBoundary';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="`),
    filename,
    Buffer.from('"\r\nContent-Type: application/octet-stream\r\n\r\n'),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

describePg('evidence file names and types through the real app', () => {
  let stack: Stack;
  let admin: Agent;
  let url: string;

  beforeAll(async () => {
    stack = await startStack({ seed: ['003'], periods: ['2024/Q1'] });
    admin = stack.users.admin;
    const sheetId = stack.sheet('信访维稳工作经费').id;
    await admin.post(`/api/targets/sheets/${sheetId}/approve`).expect(201);
    await admin
      .put(`/api/actuals/sheets/${sheetId}/periods/Q1`)
      .send({ spending: [{ source: '财政拨款', amount: '1' }], values: [] })
      .expect(200);
    url = `/api/actuals/sheets/${sheetId}/periods/Q1/evidence`;
  });
  afterAll(() => stack?.close());

  it('stores and serves a PDF named x.html as x.pdf, as an attachment with nosniff', async () => {
    const up = await admin.post(url).attach('file', Buffer.from('%PDF-1.7\n<html><script>1</script>'), 'x.html');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ fileName: 'x.pdf', mime: 'application/pdf' });
    const dl = await admin.get(`/api/actuals/evidence/${up.body.id}`).buffer(true).expect(200);
    expect(dl.headers['content-disposition']).toBe("attachment; filename*=UTF-8''x.pdf");
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(dl.headers['content-security-policy']).toContain('sandbox');
  });

  it('refuses HTML and SVG whatever they are called', async () => {
    for (const [content, name] of [
      ['<!DOCTYPE html><title>x</title>', '说明.txt'],
      ['<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', '图.png'],
      ['<?xml version="1.0"?><svg/>', '图.svg'],
    ]) {
      const res = await admin.post(url).attach('file', Buffer.from(content), name).expect(415);
      expect(res.body.message).toContain('类型不受支持');
    }
  });

  it('drops bidi overrides and control characters from names', async () => {
    const res = await admin
      .post(url)
      .attach('file', Buffer.from('%PDF-1.4\n'), '考勤\u202Efdp.exe\u200b\u0085.pdf')
      .expect(201);
    expect(res.body.fileName).toBe('考勤fdp.exe.pdf');
  });

  it('decodes a GBK file name, and refuses one that is neither UTF-8 nor GBK', async () => {
    const gbk = Buffer.from([0xd6, 0xd0, 0xce, 0xc4, 0xb2, 0xc4, 0xc1, 0xcf, 0x2e, 0x70, 0x64, 0x66]); // 中文材料.pdf
    const ok = multipart(gbk, Buffer.from('%PDF-1.4\n'));
    const res = await admin.post(url).set('Content-Type', ok.type).send(ok.body).expect(201);
    expect(res.body.fileName).toBe('中文材料.pdf');
    const bad = multipart(Buffer.from([0xff, 0xfe, 0x80, 0x2e, 0x70, 0x64, 0x66]), Buffer.from('%PDF-1.4\n'));
    const refused = await admin.post(url).set('Content-Type', bad.type).send(bad.body).expect(422);
    expect(refused.body.message).toBe('文件名的编码无法识别（应为 UTF-8 或 GBK），请改名后重新上传');
  });
});
