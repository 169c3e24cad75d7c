import { parsePocketsphinxOutput } from './parse-pocketsphinx-output';

describe('parsePocketsphinxOutput', () => {
  it('makes one segment per utterance from the word lines, dropping fillers and pronunciation variants', () => {
    const stdout = [
      'He was not an illness',
      '<s> 0.130 0.220 0.999800',
      'he 0.230 0.330 0.993719',
      'was(2) 0.340 0.560 0.993421',
      '[SPEECH] 0.990 1.120 0.527359',
      '<sil> 1.120 1.130 0.6',
      'illness 1.310 1.670 0.897706',
      '</s> 2.810 3.100 1.000000',
      'cold hearted',
      '<s> 4.620 4.710 0.999000',
      'cold 5.850 6.230 0.994614',
      '++BREATH++ 6.230 6.240 0.5',
      'hearted(2) 6.240 6.710 1.0001',
      '</s> 9.590 9.780 1.000000',
      '',
    ].join('\n');
    expect(parsePocketsphinxOutput(stdout)).toEqual([
      {
        start: 0.23,
        end: 1.67,
        text: 'he was illness',
        words: [
          { word: 'he', start: 0.23, end: 0.33, confidence: 0.993719 },
          { word: 'was', start: 0.34, end: 0.56, confidence: 0.993421 },
          { word: 'illness', start: 1.31, end: 1.67, confidence: 0.897706 },
        ],
      },
      {
        start: 5.85,
        end: 6.71,
        text: 'cold hearted',
        words: [
          { word: 'cold', start: 5.85, end: 6.23, confidence: 0.994614 },
          { word: 'hearted', start: 6.24, end: 6.71, confidence: 1 },
        ],
      },
    ]);
  });

  it('gives nothing for audio without speech (an utterance of silence only, or no output)', () => {
    expect(parsePocketsphinxOutput('\n<s> 0.000 0.500 1.0\n<sil> 0.5 2.0 1.0\n</s> 2.0 2.1 1.0\n')).toEqual([]);
    expect(parsePocketsphinxOutput('')).toEqual([]);
  });
});
