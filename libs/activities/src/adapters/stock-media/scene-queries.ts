/**
 * Common English words that make poor stock-footage searches (function words, vague verbs and adverbs). What is
 * left of a sentence is mostly its nouns and adjectives: what a camera can show.
 */
const STOP_WORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between both but by can could did do does doing down during each even ever every few for from further had has have having he her here hers herself him himself his how i if in into is it its itself just know let like made make many may me more most much must my myself never new no nor not now of off often on once one only or other our ours ourselves out over own really same say says said see seen she should so some still such than that the their theirs them themselves then there these they thing things this those through to too under until up upon us very was way we well were what when where which while who whom why will with within without would yet you your yours yourself yourselves today tomorrow yesterday world first last next almost always nothing something everything everywhere anything someone everyone people`.split(/\s+/),
);

/**
 * The search terms of one scene, best first: the scene's own `keywords` (from the LLM or the request), else its
 * content words (stop words removed, longest first, at most `max`), then the video's topic as the last resort.
 * Each term is one search; the caller tries the next when one finds nothing.
 */
export function sceneQueries(options: { text: string; keywords?: readonly string[]; topic?: string; max?: number }): string[] {
  const max = options.max ?? 3;
  const given = (options.keywords ?? []).map((k) => k.trim()).filter(Boolean);
  const derived = given.length ? given : contentWords(options.text).slice(0, max);
  const queries = [...derived];
  if (options.topic?.trim()) queries.push(options.topic.trim());
  return [...new Set(queries.map((q) => q.toLowerCase()))];
}

/** Content words of a text in order of length (ties: first seen), each once. */
export function contentWords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}][\p{L}'-]*/gu) ?? [];
  const seen = new Map<string, number>();
  words.forEach((w, i) => {
    const word = w.replace(/'s$/, '');
    if (word.length < 3 || STOP_WORDS.has(word) || seen.has(word)) return;
    seen.set(word, i);
  });
  return [...seen.entries()].sort((a, b) => b[0].length - a[0].length || a[1] - b[1]).map(([w]) => w);
}
