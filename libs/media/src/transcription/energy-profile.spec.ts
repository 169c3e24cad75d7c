import { energyProfileOf, parseWavHeader, rmsDb, SILENCE_FLOOR_DB } from './energy-profile';

function wavHeader(o: { sampleRate: number; channels: number; bits: number; dataBytes: number; extraChunk?: boolean }): Buffer {
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'ascii');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(o.channels, 10);
  fmt.writeUInt32LE(o.sampleRate, 12);
  fmt.writeUInt32LE((o.sampleRate * o.channels * o.bits) / 8, 16);
  fmt.writeUInt16LE((o.channels * o.bits) / 8, 20);
  fmt.writeUInt16LE(o.bits, 22);
  const list = Buffer.from('LIST\x03\x00\x00\x00abc\x00', 'latin1');
  const data = Buffer.alloc(8);
  data.write('data', 0, 'ascii');
  data.writeUInt32LE(o.dataBytes, 4);
  const riff = Buffer.from('RIFF\x00\x00\x00\x00WAVE', 'latin1');
  return Buffer.concat([riff, fmt, ...(o.extraChunk ? [list] : []), data]);
}

describe('energy profile', () => {
  it('gives full-scale square waves 0 dB, half scale about -6 dB, and silence the floor', () => {
    expect(rmsDb(32768 * 32768 * 4, 4)).toBe(0);
    expect(rmsDb(16384 * 16384 * 4, 4)).toBe(-6.02);
    expect(rmsDb(0, 100)).toBe(SILENCE_FLOOR_DB);
  });

  it('measures each window, the last one partial', () => {
    const samples = new Int16Array([1000, -1000, 1000, -1000, 0, 0, 0, 0, 100, -100]);
    const p = energyProfileOf(samples, 4, 1);
    expect(p).toEqual({ windowSeconds: 1, levels: [rmsDb(4e6, 4), SILENCE_FLOOR_DB, rmsDb(2e4, 2)] });
    expect(p.levels[0]).toBeCloseTo(-30.31, 2);
  });

  it('finds the data chunk after other chunks, and takes the rest of the file for an unknown size', () => {
    const h = wavHeader({ sampleRate: 16000, channels: 1, bits: 16, dataBytes: 320, extraChunk: true });
    expect(parseWavHeader(h, h.length + 320)).toEqual({ sampleRate: 16000, channels: 1, bitsPerSample: 16, dataOffset: h.length, dataBytes: 320 });
    const piped = wavHeader({ sampleRate: 16000, channels: 1, bits: 16, dataBytes: 0xffffffff });
    expect(parseWavHeader(piped, piped.length + 1000).dataBytes).toBe(1000);
  });

  it('refuses what is not a WAV file', () => {
    expect(() => parseWavHeader(Buffer.from('ID3\x04 not a wave file at all'), 30)).toThrow('not a RIFF/WAVE file');
  });
});
