import { open } from 'node:fs/promises';

/** Loudness of consecutive windows of the audio: `levels[i]` is the RMS (dBFS) of [i*windowSeconds, (i+1)*windowSeconds). */
export interface EnergyProfile {
  windowSeconds: number;
  levels: number[];
}

/** The level of digital silence: log10(0) would be -Infinity, which JSON cannot carry. */
export const SILENCE_FLOOR_DB = -120;

/** RMS of 16-bit samples in dBFS (full scale = 0 dB), floored at SILENCE_FLOOR_DB. */
export function rmsDb(sumOfSquares: number, count: number): number {
  if (count === 0 || sumOfSquares === 0) return SILENCE_FLOOR_DB;
  const rms = Math.sqrt(sumOfSquares / count) / 32768;
  return Math.max(SILENCE_FLOOR_DB, Math.round(20 * Math.log10(rms) * 100) / 100);
}

/** Window levels of 16-bit little-endian PCM samples (pure: the file reader feeds it). */
export function energyProfileOf(samples: Int16Array, sampleRate: number, windowSeconds: number): EnergyProfile {
  const acc = new EnergyAccumulator(sampleRate, windowSeconds);
  acc.push(samples);
  return acc.finish();
}

/** Folds samples into window levels as they arrive, so a 2-hour file is measured in constant memory. */
export class EnergyAccumulator {
  private readonly windowSamples: number;
  private sum = 0;
  private count = 0;
  private readonly levels: number[] = [];

  constructor(
    sampleRate: number,
    private readonly windowSeconds: number,
  ) {
    this.windowSamples = Math.max(1, Math.round(sampleRate * windowSeconds));
  }

  push(samples: Int16Array): void {
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      this.sum += s * s;
      if (++this.count === this.windowSamples) {
        this.levels.push(rmsDb(this.sum, this.count));
        this.sum = 0;
        this.count = 0;
      }
    }
  }

  finish(): EnergyProfile {
    if (this.count > 0) this.levels.push(rmsDb(this.sum, this.count));
    this.sum = 0;
    this.count = 0;
    return { windowSeconds: this.windowSeconds, levels: [...this.levels] };
  }
}

export interface WavFormat {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Byte offset of the first sample. */
  dataOffset: number;
  /** Bytes of samples (to the end of the file when the header says "unknown", as a piped WAV does). */
  dataBytes: number;
}

/** The format and data location of a RIFF/WAVE file from its first bytes (at least up to the `data` chunk header). */
export function parseWavHeader(header: Buffer, fileBytes: number): WavFormat {
  if (header.length < 12 || header.toString('ascii', 0, 4) !== 'RIFF' || header.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let offset = 12;
  let fmt: Omit<WavFormat, 'dataOffset' | 'dataBytes'> | undefined;
  while (offset + 8 <= header.length) {
    const id = header.toString('ascii', offset, offset + 4);
    const size = header.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      fmt = { channels: header.readUInt16LE(body + 2), sampleRate: header.readUInt32LE(body + 4), bitsPerSample: header.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt) throw new Error('WAV data chunk before its fmt chunk');
      const rest = fileBytes - body;
      return { ...fmt, dataOffset: body, dataBytes: size === 0xffffffff || size === 0 || size > rest ? rest : size };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV header without a data chunk in its first bytes');
}

/**
 * The energy profile of a 16-bit mono WAV file (what buildAudioExtractArgs writes), read in 1 MB blocks.
 * Reading the samples directly is exact and needs no second ffmpeg pass per window.
 */
export async function readWavEnergyProfile(path: string, windowSeconds: number, signal?: AbortSignal): Promise<EnergyProfile> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(Math.min(size, 4096));
    await file.read(head, 0, head.length, 0);
    const wav = parseWavHeader(head, size);
    if (wav.bitsPerSample !== 16 || wav.channels !== 1) {
      throw new Error(`expected 16-bit mono WAV, got ${wav.bitsPerSample}-bit with ${wav.channels} channels`);
    }
    const acc = new EnergyAccumulator(wav.sampleRate, windowSeconds);
    const block = Buffer.alloc(1 << 20);
    let position = wav.dataOffset;
    const end = wav.dataOffset + wav.dataBytes;
    while (position < end) {
      signal?.throwIfAborted();
      const want = Math.min(block.length, end - position);
      const { bytesRead } = await file.read(block, 0, want - (want % 2), position);
      if (bytesRead === 0) break;
      acc.push(new Int16Array(block.buffer, block.byteOffset, Math.floor(bytesRead / 2)));
      position += bytesRead;
    }
    return acc.finish();
  } finally {
    await file.close();
  }
}
