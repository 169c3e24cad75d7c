/** Ten sentences about a river, the first naming the run (so every run is new text): about 57 s of espeak-ng at its default rate. */
export function riverSentences(run: number): string[] {
  const s = [
    `Run ${run}: the river starts as snow high in the mountains and melts slowly through the long spring days.`,
    'Small streams join it on the way down, carrying stones, leaves and the cold water of many valleys.',
    'By the time it reaches the plain it is wide and brown, and boats can travel on it for many miles.',
    'Farmers along its banks use the water for their fields, and towns grew up where it was easy to cross.',
    'In summer the level falls and sandbanks appear, where birds rest and feed in the warm evening light.',
    'In autumn the rains return, the river rises again, and the old channels fill with fast moving water.',
    'Near the sea it slows down and splits into many arms, leaving rich soil that feeds the whole delta.',
    'Then it meets the tide, the fresh water mixes with the salt, and the long journey from the snow is over.',
    'Fishermen wait at the mouth for the shoals that follow the warm current along the coast.',
    'And far away in the mountains, the first snow of the winter is already falling again.',
  ];
  return s;
}
