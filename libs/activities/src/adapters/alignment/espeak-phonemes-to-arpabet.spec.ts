import { espeakPhonemesToArpabet } from './espeak-phonemes-to-arpabet';

describe('espeakPhonemesToArpabet', () => {
  it('maps a name espeak-ng spells out (`espeak-ng -v en-us -q -x --sep=_ "Vidflow."`) to CMU phones, stress marks dropped', () => {
    expect(espeakPhonemesToArpabet("v_'I_d_f_l_oU")).toEqual(['V', 'IH', 'D', 'F', 'L', 'OW']);
  });

  it('joins the words of a number as one pronunciation ("42", "3.5")', () => {
    expect(espeakPhonemesToArpabet("f_'o@_t_i t_'u:")).toEqual(['F', 'AO', 'R', 'T', 'IY', 'T', 'UW']);
    expect(espeakPhonemesToArpabet("T_r_'i: p_OI_n_t f_'aI_v")).toEqual(['TH', 'R', 'IY', 'P', 'OY', 'N', 'T', 'F', 'AY', 'V']);
  });

  it('splits r-coloured vowels and drops the glottal stop and pauses', () => {
    expect(espeakPhonemesToArpabet("st_'A@_t_? _:")).toBeUndefined(); // "st" is no phoneme: the guess is refused
    expect(espeakPhonemesToArpabet("s_t_'A@_t_? _:")).toEqual(['S', 'T', 'AA', 'R', 'T']);
    expect(espeakPhonemesToArpabet("n_'E_s_t dZ_,eI_'E_s")).toEqual(['N', 'EH', 'S', 'T', 'JH', 'EY', 'EH', 'S']);
  });

  it('refuses a guess with a phoneme it does not know, or with none', () => {
    expect(espeakPhonemesToArpabet('k_y:_l')).toBeUndefined();
    expect(espeakPhonemesToArpabet('  ')).toBeUndefined();
  });
});
