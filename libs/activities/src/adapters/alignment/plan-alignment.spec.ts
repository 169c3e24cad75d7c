import { alignmentLookupWord, parseCmuDictionary, planAlignment, spokenForm, wordsToGuess } from './plan-alignment';

const DICTIONARY = parseCmuDictionary(
  [
    'makes M EY K S',
    'the DH AH',
    'the(2) DH IY',
    "isn't IH Z AH N T",
    "isn't(2) IH Z AH N",
    'team T IY M',
    'well W EH L',
    'known N OW N',
    '',
  ].join('\n'),
);

describe('parseCmuDictionary', () => {
  it('lists each word with its variants in order', () => {
    expect([...DICTIONARY]).toEqual([
      ['makes', ['M EY K S']],
      ['the', ['DH AH', 'DH IY']],
      ["isn't", ['IH Z AH N T', 'IH Z AH N']],
      ['team', ['T IY M']],
      ['well', ['W EH L']],
      ['known', ['N OW N']],
    ]);
  });
});

describe('alignmentLookupWord and spokenForm', () => {
  it('looks a caption word up in lower case without its punctuation, inner apostrophes kept', () => {
    expect(['"Don’t,', 'Team.', 'well-', "'quoted'", '3.5,', '—'].map(alignmentLookupWord)).toEqual(["don't", 'team', 'well', 'quoted', '35', '']);
  });

  it('guesses a word from its text with the punctuation around it dropped', () => {
    expect(['"3.5,', 'NestJS!', 'café-'].map(spokenForm)).toEqual(['3.5', 'NestJS', 'café']);
  });
});

describe('planAlignment', () => {
  const text = 'Vidflow makes 42 — the well-known team, isn’t it?';

  it('names the words the dictionary lacks, to be guessed', () => {
    expect(wordsToGuess(text, DICTIONARY)).toEqual(['Vidflow', '42', 'it']);
  });

  it('builds a grammar of exactly the words in order, known words by their entries, guessed ones under names of their own', () => {
    const guesses = new Map([
      ['Vidflow', ['V', 'IH', 'D', 'F', 'L', 'OW']],
      ['42', ['F', 'AO', 'R', 'T', 'IY', 'T', 'UW']],
    ]);
    const plan = planAlignment({ text, dictionary: DICTIONARY, guesses });
    // "—" joins "42" as the captions show it; "it?" has no guess, so it is left out and timed between neighbours.
    expect(plan.words).toEqual(['Vidflow', 'makes', '42 —', 'the', 'well-', 'known', 'team,', 'isn’t', 'it?']);
    expect(plan.grammar).toEqual([
      { word: 0, name: 'oov.0' },
      { word: 1, name: 'makes' },
      { word: 2, name: 'oov.2' },
      { word: 3, name: 'the' },
      { word: 4, name: 'well' },
      { word: 5, name: 'known' },
      { word: 6, name: 'team' },
      { word: 7, name: "isn't" },
    ]);
    expect(plan.jsgf).toBe("#JSGF V1.0;\ngrammar scene;\npublic <scene> = oov.0 makes oov.2 the well known team isn't;\n");
    expect(plan.dictionary).toBe(
      [
        'oov.0 V IH D F L OW',
        'makes M EY K S',
        'oov.2 F AO R T IY T UW',
        'the DH AH',
        'the(2) DH IY',
        'well W EH L',
        'known N OW N',
        'team T IY M',
        "isn't IH Z AH N T",
        "isn't(2) IH Z AH N",
        '',
      ].join('\n'),
    );
  });

  it('writes a word that occurs twice once in the dictionary', () => {
    const plan = planAlignment({ text: 'The team, the team.', dictionary: DICTIONARY, guesses: new Map() });
    expect(plan.jsgf).toContain('public <scene> = the team the team;');
    expect(plan.dictionary).toBe('the DH AH\nthe(2) DH IY\nteam T IY M\n');
  });
});
