/**
 * What an MP4 sample entry needs from a sequence parameter set: the picture size after cropping,
 * and the profile fields that go into avcC / hvcC (ITU-T H.264 §7.3.2.1.1, H.265 §7.3.2.2).
 */
import { BitReader, rbsp } from './annexb.ts';

export interface H264Sps {
  profileIdc: number;
  constraintFlags: number;
  levelIdc: number;
  chromaFormatIdc: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  width: number;
  height: number;
}

/** Profiles whose SPS carries chroma format and bit depth (H.264 §7.3.2.1.1). */
const H264_HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

export function parseH264Sps(nal: Buffer): H264Sps {
  const r = new BitReader(rbsp(nal), 1);
  const profileIdc = r.u(8);
  const constraintFlags = r.u(8);
  const levelIdc = r.u(8);
  r.ue(); // seq_parameter_set_id
  let chromaFormatIdc = 1;
  let bitDepthLuma = 8;
  let bitDepthChroma = 8;
  let separateColourPlane = 0;
  if (H264_HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc === 3) separateColourPlane = r.u(1);
    bitDepthLuma = 8 + r.ue();
    bitDepthChroma = 8 + r.ue();
    r.skip(1); // qpprime_y_zero_transform_bypass_flag
    if (r.u(1)) {
      // seq_scaling_matrix_present: the lists are skipped (§7.3.2.1.1.1)
      for (let i = 0; i < (chromaFormatIdc === 3 ? 12 : 8); i++) {
        if (!r.u(1)) continue;
        let last = 8;
        let next = 8;
        for (let j = 0; j < (i < 6 ? 16 : 64); j++) {
          if (next !== 0) next = (last + r.se() + 256) % 256;
          last = next === 0 ? last : next;
        }
      }
    }
  }
  r.ue(); // log2_max_frame_num_minus4
  const pocType = r.ue();
  if (pocType === 0) r.ue();
  else if (pocType === 1) {
    r.skip(1);
    r.se();
    r.se();
    const cycle = r.ue();
    for (let i = 0; i < cycle; i++) r.se();
  }
  r.ue(); // max_num_ref_frames
  r.skip(1); // gaps_in_frame_num_value_allowed_flag
  const widthInMbs = r.ue() + 1;
  const heightInMapUnits = r.ue() + 1;
  const frameMbsOnly = r.u(1);
  if (!frameMbsOnly) r.skip(1); // mb_adaptive_frame_field_flag
  r.skip(1); // direct_8x8_inference_flag
  let [left, right, top, bottom] = [0, 0, 0, 0];
  if (r.u(1)) [left, right, top, bottom] = [r.ue(), r.ue(), r.ue(), r.ue()];
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const cropUnitX = chromaArrayType === 0 ? 1 : chromaFormatIdc === 3 ? 1 : 2;
  const cropUnitY = (chromaArrayType === 0 ? 1 : chromaFormatIdc === 1 ? 2 : 1) * (2 - frameMbsOnly);
  return {
    profileIdc,
    constraintFlags,
    levelIdc,
    chromaFormatIdc,
    bitDepthLuma,
    bitDepthChroma,
    width: widthInMbs * 16 - cropUnitX * (left + right),
    height: (2 - frameMbsOnly) * heightInMapUnits * 16 - cropUnitY * (top + bottom),
  };
}

export interface H265Sps {
  /** general_profile_space, tier, profile_idc, compatibility flags, constraint flags and level: the 12 bytes hvcC copies. */
  profileTierLevel: Buffer;
  maxSubLayers: number;
  temporalIdNesting: boolean;
  chromaFormatIdc: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  width: number;
  height: number;
}

export function parseH265Sps(nal: Buffer): H265Sps {
  const bytes = rbsp(nal);
  const r = new BitReader(bytes, 2); // after the 2-byte NAL header
  r.skip(4); // sps_video_parameter_set_id
  const maxSubLayersMinus1 = r.u(3);
  const temporalIdNesting = r.u(1) === 1;
  const profileTierLevel = Buffer.from(bytes.subarray(3, 15));
  r.skip(96);
  const subLayerProfile: boolean[] = [];
  const subLayerLevel: boolean[] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    subLayerProfile.push(r.u(1) === 1);
    subLayerLevel.push(r.u(1) === 1);
  }
  if (maxSubLayersMinus1 > 0) r.skip(2 * (8 - maxSubLayersMinus1));
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    if (subLayerProfile[i]) r.skip(88);
    if (subLayerLevel[i]) r.skip(8);
  }
  r.ue(); // sps_seq_parameter_set_id
  const chromaFormatIdc = r.ue();
  if (chromaFormatIdc === 3) r.skip(1); // separate_colour_plane_flag
  const picWidth = r.ue();
  const picHeight = r.ue();
  let [left, right, top, bottom] = [0, 0, 0, 0];
  if (r.u(1)) [left, right, top, bottom] = [r.ue(), r.ue(), r.ue(), r.ue()];
  const bitDepthLuma = 8 + r.ue();
  const bitDepthChroma = 8 + r.ue();
  const subWidthC = chromaFormatIdc === 1 || chromaFormatIdc === 2 ? 2 : 1;
  const subHeightC = chromaFormatIdc === 1 ? 2 : 1;
  return {
    profileTierLevel,
    maxSubLayers: maxSubLayersMinus1 + 1,
    temporalIdNesting,
    chromaFormatIdc,
    bitDepthLuma,
    bitDepthChroma,
    width: picWidth - subWidthC * (left + right),
    height: picHeight - subHeightC * (top + bottom),
  };
}
