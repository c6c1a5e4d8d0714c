import type request from 'supertest';

/** Collects a binary response (xlsx, pdf) as a Buffer in `res.body`. */
export const binary = (r: request.Test) =>
  r.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
