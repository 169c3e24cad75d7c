/** The hardware H.264 encoders `RENDER_ENCODER=auto` looks for, in the order it tries them. */
export const HARDWARE_H264_ENCODERS = ['h264_nvenc', 'h264_qsv', 'h264_vaapi'] as const;
export type H264Encoder = 'libx264' | (typeof HARDWARE_H264_ENCODERS)[number];
/** RENDER_ENCODER's values: `auto` probes the hardware ones at worker start. */
export const RENDER_ENCODERS = ['auto', 'libx264', ...HARDWARE_H264_ENCODERS] as const;
export type RenderEncoderSetting = (typeof RENDER_ENCODERS)[number];

/** The DRM render node VA-API opens (the first GPU); the usual one in containers given `/dev/dri`. */
export const VAAPI_DEVICE = '/dev/dri/renderD128';

/** How one encoder changes the video encode: options before the inputs, a tail for the filter graph, output options. */
export interface H264EncoderArgs {
  /** Global options placed with the first input (VA-API needs its device before the graph is built). */
  inputOptions: string[];
  /** Appended to the last video filter chain: VA-API encodes frames uploaded to the GPU. */
  filterSuffix?: string;
  outputOptions: string[];
}

/**
 * Encoder options at about the quality of x264's CRF 23. The hardware encoders have no `-tune stillimage` or
 * x264 parameters; they are fast enough that the x264-specific shortcuts of the still-frame path do not matter.
 */
export function h264EncoderArgs(encoder: H264Encoder, o: { preset: string }): H264EncoderArgs {
  switch (encoder) {
    case 'h264_nvenc':
      // p4 is NVENC's "medium"; constant-quality VBR (-cq) is its CRF.
      return { inputOptions: [], outputOptions: ['-c:v', 'h264_nvenc', '-preset', 'p4', '-rc', 'vbr', '-cq', '23', '-b:v', '0', '-pix_fmt', 'yuv420p'] };
    case 'h264_qsv':
      return { inputOptions: [], outputOptions: ['-c:v', 'h264_qsv', '-preset', 'medium', '-global_quality', '23', '-pix_fmt', 'nv12'] };
    case 'h264_vaapi':
      // Frames must be in GPU memory (hwupload) in a format the encoder takes (nv12); -pix_fmt would undo that.
      return { inputOptions: ['-vaapi_device', VAAPI_DEVICE], filterSuffix: 'format=nv12,hwupload', outputOptions: ['-c:v', 'h264_vaapi', '-qp', '23'] };
    default:
      return { inputOptions: [], outputOptions: ['-c:v', 'libx264', '-preset', o.preset] };
  }
}
