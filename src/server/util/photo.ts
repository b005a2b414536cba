import sharp from 'sharp';

/** What a stored photo becomes: a JPEG no larger than this on its long side, metadata stripped. */
export const PHOTO_MAX_SIDE_PX = 2560;
/** Decoding stops before this many pixels (a 2.4 KB PNG may declare 60000 × 60000). */
export const PHOTO_MAX_INPUT_PIXELS = 50_000_000;
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp']);

export class PhotoRejected extends Error {}

export interface NormalizedPhoto {
  bytes: Buffer;
  contentType: 'image/jpeg';
  width: number;
  height: number;
}

/**
 * Checks a photo by its content (not the declared type) and re-encodes it: turned upright by its
 * EXIF orientation, scaled to at most PHOTO_MAX_SIDE_PX, JPEG without EXIF (no GPS of the
 * phone leaves with a case file). Decoding runs in libvips' threads, off the event loop, and
 * refuses images that declare more pixels than PHOTO_MAX_INPUT_PIXELS before allocating them.
 */
export async function normalizePhoto(input: Buffer): Promise<NormalizedPhoto> {
  if (!input.length) throw new PhotoRejected('the photo is empty');
  let format: string | undefined;
  let width = 0;
  let height = 0;
  try {
    // The header only: no pixel is decoded here, so the declared size can be judged first.
    ({ format, width = 0, height = 0 } = await sharp(input, { limitInputPixels: false }).metadata());
  } catch {
    throw new PhotoRejected('is not a readable JPEG, PNG or WebP image');
  }
  if (!format || !ACCEPTED_FORMATS.has(format)) throw new PhotoRejected(`is a ${format ?? 'unknown'} file; a photo must be JPEG, PNG or WebP`);
  if (width * height > PHOTO_MAX_INPUT_PIXELS) {
    throw new PhotoRejected(`declares ${width} × ${height} pixels; at most ${PHOTO_MAX_INPUT_PIXELS / 1_000_000} megapixels are accepted`);
  }
  try {
    const { data, info } = await sharp(input, { limitInputPixels: PHOTO_MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: PHOTO_MAX_SIDE_PX, height: PHOTO_MAX_SIDE_PX, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 85, mozjpeg: false })
      .toBuffer({ resolveWithObject: true });
    return { bytes: data, contentType: 'image/jpeg', width: info.width, height: info.height };
  } catch (error) {
    throw new PhotoRejected(`could not be decoded (${(error as Error).message.split('\n')[0]})`);
  }
}
