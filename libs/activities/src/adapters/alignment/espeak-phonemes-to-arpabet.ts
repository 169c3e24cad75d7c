/**
 * espeak-ng's English phoneme mnemonics (`espeak-ng -v en-us -x`, phsource/ph_english*) as the ARPAbet phones of
 * the CMU dictionary and PocketSphinx's en-us acoustic model. Reduced and r-coloured vowels map to their nearest
 * CMU spelling ("A@" in "start" is AA R); a glottal stop has no CMU phone and is dropped.
 */
const ESPEAK_TO_ARPABET: Record<string, string[]> = {
  a: ['AE'], aa: ['AE'], 'a#': ['AH'], 'A:': ['AA'], 'A@': ['AA', 'R'], '@': ['AH'], '@-': ['AH'], '@L': ['AH', 'L'], '@r': ['ER'],
  '3': ['ER'], '3:': ['ER'], E: ['EH'], 'e@': ['EH', 'R'], eI: ['EY'], I: ['IH'], I2: ['IH'], 'I#': ['IH'], i: ['IY'], 'i:': ['IY'],
  'i@': ['IH', 'R'], 'i@3': ['IH', 'R'], '0': ['AA'], O: ['AO'], 'O:': ['AO'], O2: ['AO'], 'O@': ['AO', 'R'], 'o@': ['AO', 'R'],
  OI: ['OY'], oU: ['OW'], 'oU#': ['OW'], aI: ['AY'], 'aI@': ['AY', 'ER'], aI3: ['AY', 'ER'], aU: ['AW'], 'aU@': ['AW', 'ER'],
  'u:': ['UW'], U: ['UH'], 'U@': ['UH', 'R'], V: ['AH'],
  p: ['P'], b: ['B'], t: ['T'], 't#': ['T'], t2: ['T'], d: ['D'], k: ['K'], g: ['G'], x: ['K'], f: ['F'], v: ['V'], T: ['TH'], D: ['DH'],
  s: ['S'], z: ['Z'], S: ['SH'], Z: ['ZH'], h: ['HH'], m: ['M'], 'm-': ['M'], n: ['N'], 'n-': ['N'], N: ['NG'], l: ['L'], 'l-': ['L'],
  r: ['R'], 'r-': ['R'], w: ['W'], W: ['W'], j: ['Y'], tS: ['CH'], dZ: ['JH'], '?': [],
};

/**
 * One word's phonemes as `espeak-ng -q -x --sep=_` prints them (`v_'I_d_f_l_oU`; a number can be several words:
 * `f_'o@_t_i t_'u:`) as ARPAbet phones. Stress marks and pauses are dropped; an unknown mnemonic makes the whole
 * guess unusable (undefined), so that a word is left out rather than aligned against a wrong pronunciation.
 */
export function espeakPhonemesToArpabet(phonemes: string): string[] | undefined {
  const phones: string[] = [];
  for (const raw of phonemes.trim().split(/[\s_]+/)) {
    const p = raw.replace(/[',%=;]/g, '').replace(/^[:!|]+$/, '');
    if (!p) continue;
    const mapped = ESPEAK_TO_ARPABET[p];
    if (!mapped) return undefined;
    phones.push(...mapped);
  }
  return phones.length ? phones : undefined;
}
