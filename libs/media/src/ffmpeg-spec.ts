/**
 * A complete ffmpeg invocation as data. Pure builders return one of these; `FfmpegRunner` (the only
 * code that starts ffmpeg) turns it into a fluent-ffmpeg command. Keeping it as data lets tests assert
 * exact arguments and lets benchmarks print the command they measured.
 */
export interface FfmpegInput {
  /** A file path, or a lavfi source description when `options` contains `-f lavfi`. */
  source: string;
  options: string[];
}

export interface FfmpegSpec {
  inputs: FfmpegInput[];
  filterComplex?: string;
  outputOptions: string[];
  output: string;
}

/** The argv that `spec` stands for (without the binary), in the order ffmpeg reads it. */
export function toArgv(spec: FfmpegSpec): string[] {
  const argv: string[] = ['-hide_banner', '-y'];
  for (const input of spec.inputs) argv.push(...input.options, '-i', input.source);
  if (spec.filterComplex) argv.push('-filter_complex', spec.filterComplex);
  argv.push(...spec.outputOptions, spec.output);
  return argv;
}
