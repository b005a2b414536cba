/**
 * Hand-made PNGs for tests of photo handling: a real RGBA image, one with damaged data, and a
 * decompression bomb whose header declares far more pixels than its few bytes hold.
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
function header(width: number, height: number, colourType: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, colourType, 0, 0, 0], 8); // 8 bits per sample
  return chunk('IHDR', ihdr);
}

/** An RGBA PNG (the alpha path of pdfkit's PNG embedding); `idat` replaces the image data. */
export function png(width: number, height: number, idat?: Buffer): Buffer {
  const raw = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) raw.set([Math.round((x / width) * 255), Math.round((y / height) * 255), 160, 255], y * (1 + width * 4) + 1 + x * 4);
  return Buffer.concat([SIGNATURE, header(width, height, 6), chunk('IDAT', idat ?? deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * A PNG that declares `width` × `height` RGB pixels of zeros. With `rows` it holds only that many
 * rows of data (a 2.4 KB file declaring 60000 × 60000); without, every row, compressed (a
 * 12000 × 12000 image of a few hundred KB).
 */
export function bombPng(width: number, height: number, rows = height): Buffer {
  const row = Buffer.alloc(1 + width * 3);
  const z = deflateSync(Buffer.concat(Array.from({ length: rows }, () => row)), { level: 9 });
  return Buffer.concat([SIGNATURE, header(width, height, 2), chunk('IDAT', z), chunk('IEND', Buffer.alloc(0))]);
}
