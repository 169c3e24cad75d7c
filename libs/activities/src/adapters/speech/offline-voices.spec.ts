import { buildFestivalScript, parseFestivalWords, schemeString } from './festival-speech.provider';
import { buildFliteArgs, fliteVoiceFor } from './flite-speech.provider';
import { SpeechError } from './speech-provider';

describe('buildFliteArgs', () => {
  it('reads the text from a file and stretches durations by 1/speed', () => {
    expect(buildFliteArgs({ voice: 'slt', speed: 1.25, textFile: '/w/t.txt', output: '/w/a.wav' })).toEqual([
      '-voice', 'slt', '--setf', 'duration_stretch=0.8', '-f', '/w/t.txt', '-o', '/w/a.wav',
    ]);
    expect(buildFliteArgs({ voice: 'kal', speed: 1, textFile: 't', output: 'o' })).toContain('duration_stretch=1');
  });
});

describe('fliteVoiceFor', () => {
  const voice = (name?: string) => ({ provider: 'flite' as const, speed: 1, ...(name ? { name } : {}) });
  it('defaults to slt and accepts each compiled-in voice', () => {
    expect(fliteVoiceFor({ language: 'en', voice: voice() })).toBe('slt');
    for (const name of ['slt', 'rms', 'awb', 'kal']) expect(fliteVoiceFor({ language: 'en-GB', voice: voice(name) })).toBe(name);
  });

  it('refuses an unknown voice naming voice.name (flite would load it as a file path)', () => {
    const err = catchError(() => fliteVoiceFor({ language: 'en', voice: voice('cmu_us_nope.flitevox') }));
    expect(err).toMatchObject({ field: 'voice.name', retryable: false });
    expect(err.message).toContain('slt, rms, awb, kal');
  });

  it('refuses other languages naming language', () => {
    expect(catchError(() => fliteVoiceFor({ language: 'de', voice: voice() }))).toMatchObject({ field: 'language', retryable: false });
    // "eng"-like tags are not English: only "en" and "en-*".
    expect(catchError(() => fliteVoiceFor({ language: 'eno', voice: voice() }))).toMatchObject({ field: 'language' });
  });
});

describe('schemeString', () => {
  it('escapes quotes and backslashes and flattens control characters, so text cannot end the string', () => {
    expect(schemeString('say "hi" \\ (bye)')).toBe('"say \\"hi\\" \\\\ (bye)"');
    expect(schemeString('a\nb\t\u0000c')).toBe('"a b c"');
    expect(schemeString('")) (system "rm -rf /")')).toBe('"\\")) (system \\"rm -rf /\\")"');
  });
});

describe('buildFestivalScript', () => {
  it('selects the voice, sets the HTS rate, saves RIFF and prints word times', () => {
    expect(buildFestivalScript({ voice: 'cmu_us_slt_arctic_hts', speed: 1.5, text: 'Hello "you".', output: '/w/a.wav' }).split('\n')).toEqual([
      '(voice_cmu_us_slt_arctic_hts)',
      '(set! hts_engine_params (append hts_engine_params (list (list "-r" 1.500))))',
      '(set! utt (Utterance Text "Hello \\"you\\"."))',
      '(utt.synth utt)',
      `(utt.save.wave utt "/w/a.wav" 'riff)`,
      `(mapcar (lambda (w) (format t "W\\t%s\\t%f\\t%f\\n" (item.name w) (item.feat w "R:SylStructure.daughter1.daughter1.segment_start") (item.feat w "word_end"))) (utt.relation.items utt 'Word))`,
      '',
    ]);
  });
});

describe('parseFestivalWords', () => {
  it('reads the word lines and ignores everything else', () => {
    const out = 'festival> \nW\tHello\t0.165000\t0.400000\nW\tworld\t0.400000\t0.865000\nnil\nW\tbad\t2.0\t1.0\n';
    expect(parseFestivalWords(out)).toEqual([
      { text: 'Hello', start: 0.165, end: 0.4 },
      { text: 'world', start: 0.4, end: 0.865 },
    ]);
    expect(parseFestivalWords('')).toEqual([]);
  });
});

function catchError(fn: () => unknown): SpeechError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SpeechError) return err;
    throw err;
  }
  throw new Error('expected a SpeechError');
}
