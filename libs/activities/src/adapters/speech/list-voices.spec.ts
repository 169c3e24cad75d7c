import { parseEspeakVoices, parseFliteVoiceList } from './list-voices';

describe('parseEspeakVoices', () => {
  it('reads the language column as the id, with name and gender', () => {
    const out = [
      'Pty Language       Age/Gender VoiceName          File                 Other Languages',
      ' 5  af              --/M      Afrikaans          gmw/af               ',
      ' 2  en-us           --/F      English_(America)  gmw/en-US            (en 3)',
      ' 5  cmn             --/-      Chinese_(Mandarin) sit/cmn              (zh-cmn 5)(zh 5)',
      '',
    ].join('\n');
    expect(parseEspeakVoices(out)).toEqual([
      { id: 'af', language: 'af', description: 'Afrikaans, male (espeak-ng formant voice)', aliases: ['Afrikaans'] },
      { id: 'en-us', language: 'en-us', description: 'English (America), female (espeak-ng formant voice)', aliases: ['en', 'English_(America)'] },
      { id: 'cmn', language: 'cmn', description: 'Chinese (Mandarin) (espeak-ng formant voice)', aliases: ['zh-cmn', 'zh', 'Chinese_(Mandarin)'] },
    ]);
  });
});

describe('parseFliteVoiceList', () => {
  it('reads flite -lv', () => {
    expect(parseFliteVoiceList('Voices available: kal awb_time kal16 awb rms slt \n')).toEqual(['kal', 'awb_time', 'kal16', 'awb', 'rms', 'slt']);
    expect(parseFliteVoiceList('')).toEqual([]);
  });
});
