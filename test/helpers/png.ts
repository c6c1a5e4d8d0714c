import * as zlib from 'node:zlib';

/**
 * Decodes the 8-bit greyscale or RGB PNGs `pdftoppm -png` writes (no PNG library is installed; this
 * covers exactly those formats and refuses anything else) and compares two images pixel by pixel.
 */
export interface GreyImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export function decodeGreyPng(png: Buffer): GreyImage {
  if (png.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG');
  let width = 0;
  let height = 0;
  let channels = 1;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colour, , , interlace] = data.subarray(8, 13);
      if (depth !== 8 || (colour !== 0 && colour !== 2) || interlace !== 0)
        throw new Error(`only 8-bit greyscale or RGB non-interlaced PNGs (got depth ${depth}, colour type ${colour})`);
      channels = colour === 2 ? 3 : 1;
    } else if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const bytes = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? bytes[y * stride + x - channels] : 0;
      const b = y > 0 ? bytes[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? bytes[(y - 1) * stride + x - channels] : 0;
      let p: number;
      switch (filter) {
        case 0:
          p = 0;
          break;
        case 1:
          p = a;
          break;
        case 2:
          p = b;
          break;
        case 3:
          p = (a + b) >> 1;
          break;
        case 4: {
          const pa = Math.abs(b - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + b - 2 * c);
          p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`PNG filter ${filter}`);
      }
      bytes[y * stride + x] = (line[x] + p) & 0xff;
    }
  }
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    let sum = 0;
    for (let k = 0; k < channels; k++) sum += bytes[i * channels + k];
    pixels[i] = Math.round(sum / channels);
  }
  return { width, height, pixels };
}

/** Share of pixels whose grey level differs by more than `tolerance` (anti-aliasing noise stays below). */
export function differingShare(a: GreyImage, b: GreyImage, tolerance = 48): number {
  if (a.width !== b.width || a.height !== b.height) return 1;
  let n = 0;
  for (let i = 0; i < a.pixels.length; i++) if (Math.abs(a.pixels[i] - b.pixels[i]) > tolerance) n++;
  return n / a.pixels.length;
}

/** A difference image for a person: black where the pixels differ, the reference faint elsewhere (PGM). */
export function diffPgm(a: GreyImage, b: GreyImage, tolerance = 48): Buffer {
  const out = Buffer.alloc(a.width * a.height);
  for (let i = 0; i < out.length; i++)
    out[i] = Math.abs(a.pixels[i] - (b.pixels[i] ?? 255)) > tolerance ? 0 : 200 + (a.pixels[i] >> 3);
  return Buffer.concat([Buffer.from(`P5\n${a.width} ${a.height}\n255\n`), out]);
}
