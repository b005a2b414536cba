/**
 * Fragmented MP4 as ffmpeg writes it with `-movflags empty_moov+default_base_moof+frag_every_frame`:
 * an initialisation segment (ftyp + moov) and then one moof + mdat pair per frame. The splitter cuts
 * the byte stream into those pieces and reads, per fragment, whether it starts with a sync sample
 * (a keyframe), so a new viewer can be given the current GOP from its keyframe on.
 */
export interface Mp4Fragment {
  data: Buffer;
  keyframe: boolean;
  /** baseMediaDecodeTime of the fragment, in the track's timescale. */
  decodeTime: number;
}

export interface Mp4Init {
  data: Buffer;
  /** RFC 6381 codec string for MSE, e.g. avc1.640028 or hvc1.1.6.L120.90. */
  codec: string;
  timescale: number;
  width: number;
  height: number;
}

interface Box {
  type: string;
  start: number;
  /** Offset of the box's content (after size, type and any 64-bit size). */
  content: number;
  end: number;
}

function* boxes(b: Buffer, start: number, end: number): Generator<Box> {
  let i = start;
  while (i + 8 <= end) {
    let size = b.readUInt32BE(i);
    let header = 8;
    if (size === 1) {
      if (i + 16 > end) return;
      size = Number(b.readBigUInt64BE(i + 8));
      header = 16;
    } else if (size === 0) size = end - i;
    if (size < header || i + size > end) return;
    yield { type: b.toString('latin1', i + 4, i + 8), start: i, content: i + header, end: i + size };
    i += size;
  }
}

const child = (b: Buffer, parent: Box, type: string, skip = 0) => {
  for (const box of boxes(b, parent.content + skip, parent.end)) if (box.type === type) return box;
  return undefined;
};

const path = (b: Buffer, root: Box, ...types: string[]) => {
  let box: Box | undefined = root;
  for (const t of types) box = box && child(b, box, t);
  return box;
};

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** Reads codec, timescale and size from a moov box (the first video track). */
export function describeInit(b: Buffer, moov: Box): Omit<Mp4Init, 'data'> {
  const trak = child(b, moov, 'trak');
  const mdhd = trak && path(b, trak, 'mdia', 'mdhd');
  const tkhd = trak && child(b, trak, 'tkhd');
  const stsd = trak && path(b, trak, 'mdia', 'minf', 'stbl', 'stsd');
  let codec = '';
  let timescale = 90_000;
  let width = 0;
  let height = 0;
  if (mdhd) timescale = b[mdhd.content] === 1 ? b.readUInt32BE(mdhd.content + 20) : b.readUInt32BE(mdhd.content + 12);
  if (tkhd) {
    const at = tkhd.end - 8;
    width = b.readUInt32BE(at) >>> 16;
    height = b.readUInt32BE(at + 4) >>> 16;
  }
  // stsd: version/flags (4) + entry count (4), then sample entries; a visual sample entry has 78 bytes before its child boxes.
  const entry = stsd ? boxes(b, stsd.content + 8, stsd.end).next().value : undefined;
  if (entry) {
    const config = (type: string) => {
      for (const box of boxes(b, entry.content + 78, entry.end)) if (box.type === type) return box;
      return undefined;
    };
    if (entry.type === 'avc1' || entry.type === 'avc3') {
      const avcC = config('avcC');
      codec = avcC ? `${entry.type}.${hex2(b[avcC.content + 1]!)}${hex2(b[avcC.content + 2]!)}${hex2(b[avcC.content + 3]!)}` : entry.type;
    } else if (entry.type === 'hvc1' || entry.type === 'hev1') {
      const hvcC = config('hvcC');
      codec = hvcC ? hevcCodecString(entry.type, b, hvcC.content) : entry.type;
    } else codec = entry.type;
  }
  return { codec, timescale, width, height };
}

/** Reads codec, timescale and size from an initialisation segment (ftyp + moov). */
export function describeInitSegment(data: Buffer): Omit<Mp4Init, 'data'> {
  const moov = [...boxes(data, 0, data.length)].find((b) => b.type === 'moov');
  if (!moov) throw new Error('fMP4 init segment without moov');
  return describeInit(data, moov);
}

/** ISO/IEC 14496-15 annex E: hvc1.<profile>.<compatibility, bit-reversed>.<tier><level>.<constraints>. */
function hevcCodecString(type: string, b: Buffer, at: number): string {
  const profileByte = b[at + 1]!;
  const space = ['', 'A', 'B', 'C'][profileByte >> 6];
  const tier = (profileByte & 0x20) ? 'H' : 'L';
  const profile = profileByte & 0x1f;
  const compat = b.readUInt32BE(at + 2);
  let reversed = 0;
  for (let i = 0; i < 32; i++) if (compat & (1 << i)) reversed |= 1 << (31 - i);
  const constraints = [...b.subarray(at + 6, at + 12)];
  while (constraints.length && constraints[constraints.length - 1] === 0) constraints.pop();
  const level = b[at + 12]!;
  return [type, `${space}${profile}`, (reversed >>> 0).toString(16), `${tier}${level}`, ...constraints.map((c) => c.toString(16))].join('.');
}

/** Whether the first sample of a moof is a sync sample, and its decode time. */
export function describeFragment(b: Buffer, moof: Box): { keyframe: boolean; decodeTime: number } {
  const traf = child(b, moof, 'traf');
  if (!traf) return { keyframe: false, decodeTime: 0 };
  const tfhd = child(b, traf, 'tfhd');
  const tfdt = child(b, traf, 'tfdt');
  const trun = child(b, traf, 'trun');
  let flags: number | undefined;
  if (tfhd) {
    const tfFlags = b.readUInt32BE(tfhd.content) & 0xffffff;
    let i = tfhd.content + 8; // version/flags + track_ID
    if (tfFlags & 0x1) i += 8; // base_data_offset
    if (tfFlags & 0x2) i += 4; // sample_description_index
    if (tfFlags & 0x8) i += 4; // default_sample_duration
    if (tfFlags & 0x10) i += 4; // default_sample_size
    if (tfFlags & 0x20) flags = b.readUInt32BE(i); // default_sample_flags
  }
  if (trun) {
    const trFlags = b.readUInt32BE(trun.content) & 0xffffff;
    let i = trun.content + 8; // version/flags + sample_count
    if (trFlags & 0x1) i += 4; // data_offset
    if (trFlags & 0x4) flags = b.readUInt32BE(i); // first_sample_flags
    else if (trFlags & 0x400) {
      // per-sample flags: the first sample's come after its duration and size, when present
      if (trFlags & 0x100) i += 4;
      if (trFlags & 0x200) i += 4;
      flags = b.readUInt32BE(i);
    }
  }
  let decodeTime = 0;
  if (tfdt) decodeTime = b[tfdt.content] === 1 ? Number(b.readBigUInt64BE(tfdt.content + 4)) : b.readUInt32BE(tfdt.content + 4);
  // sample_is_non_sync_sample is bit 16; depends_on = 2 (bits 24–25) also marks a sync sample's independence.
  const keyframe = flags === undefined ? false : (flags & 0x10000) === 0;
  return { keyframe, decodeTime };
}

/** Cuts ffmpeg's fMP4 output into the init segment and per-frame fragments. */
export class Mp4FragmentSplitter {
  private pending: Buffer = Buffer.alloc(0);
  private initParts: Buffer[] = [];
  private moof: Buffer | null = null;
  init: Mp4Init | null = null;

  constructor(
    private readonly onInit: (init: Mp4Init) => void,
    private readonly onFragment: (fragment: Mp4Fragment) => void,
  ) {}

  push(chunk: Buffer) {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let offset = 0;
    for (;;) {
      if (this.pending.length - offset < 8) break;
      let size = this.pending.readUInt32BE(offset);
      if (size === 1) {
        if (this.pending.length - offset < 16) break;
        size = Number(this.pending.readBigUInt64BE(offset + 8));
      }
      if (size < 8) throw new Error('fMP4 stream is corrupt (box size < 8)');
      if (this.pending.length - offset < size) break;
      const box = Buffer.from(this.pending.subarray(offset, offset + size));
      offset += size;
      this.take(box);
    }
    this.pending = offset ? this.pending.subarray(offset) : this.pending;
  }

  private take(box: Buffer) {
    const type = box.toString('latin1', 4, 8);
    if (!this.init) {
      this.initParts.push(box);
      if (type === 'moov') {
        const data = Buffer.concat(this.initParts);
        this.init = { data, ...describeInitSegment(data) };
        this.initParts = [];
        this.onInit(this.init);
      }
      return;
    }
    if (type === 'moof') this.moof = box;
    else if (type === 'mdat' && this.moof) {
      const moof = boxes(this.moof, 0, this.moof.length).next().value!;
      const data = Buffer.concat([this.moof, box]);
      this.onFragment({ data, ...describeFragment(this.moof, moof) });
      this.moof = null;
    }
    // styp, sidx, mfra and the like carry nothing a live viewer needs.
  }
}

/**
 * A fragment with its baseMediaDecodeTime set to `decodeTime`, for a file that starts its
 * timeline at zero (a recorded segment): the moof is copied and patched, the mdat shared.
 * Players and ffprobe read a file whose first fragment starts late as having a wrong duration.
 */
export function withDecodeTime(fragment: Buffer, decodeTime: number): [Buffer, Buffer] {
  const moofEnd = fragment.readUInt32BE(0);
  const moof = Buffer.from(fragment.subarray(0, moofEnd));
  const root = boxes(moof, 0, moof.length).next().value;
  const traf = root && child(moof, root, 'traf');
  const tfdt = traf && child(moof, traf, 'tfdt');
  if (tfdt) {
    if (moof[tfdt.content] === 1) moof.writeBigUInt64BE(BigInt(decodeTime), tfdt.content + 4);
    else moof.writeUInt32BE(decodeTime >>> 0, tfdt.content + 4);
  }
  return [moof, fragment.subarray(moofEnd)];
}
