// Word alignment error and cost (`npm run build && node bench/align.js`): espeak-ng speech, whose true word starts
// libespeak-ng's WORD events give (bench/espeak-word-events.py), and Festival's, whose utterance structure gives
// exact starts and ends, each through the speech stage's normalisation; against the estimate from syllables.
const { PocketsphinxAligner, FestivalSpeechProvider } = require('../libs/activities/dist');
const { FfmpegRunner, buildSpeechNormalizeArgs, buildAudioExtractArgs, timeTokens, tokenizeCaptionText, SCENE_PAUSE_SECONDS } = require('../libs/media/dist');
const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const SENTENCES = [
  'The quick brown fox jumps over the lazy dog near the river bank.',
  'Durable workflows keep long running jobs alive across crashes and restarts. Each step is retried on its own.',
  'When a worker dies in the middle of a render, another worker picks the task up and continues from the last step.',
  'Vidflow made 42 videos for the Temporal team in 2024, about 3.5 times more than last year.',
  'Captions are drawn word by word, with the spoken word highlighted as the narration reaches it.',
  "It's not magic: it's a grammar that accepts exactly one sentence, and a recogniser that finds where each word is.",
  'Photosynthesis converts light energy into chemical energy, storing it in the bonds of glucose molecules.',
  'Honestly, nobody expected the old bridge to survive another winter, yet here it stands, quiet and grey.',
];
const dir = mkdtempSync(join(tmpdir(), 'vidflow-align-bench-'));
const ff = new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });
const aligner = new PocketsphinxAligner();
const norm = (w) => w.toLowerCase().replace(/[^\p{L}\p{N}']/gu, '');
async function prepare(raw, i) {
  const n = `${dir}/n${i}.wav`, a = `${dir}/a${i}.wav`;
  await ff.run(buildSpeechNormalizeArgs({ input: raw, output: n }));
  await ff.run(buildAudioExtractArgs({ input: n, output: a }));
  return { a, duration: (await ff.probe(n)).durationSeconds };
}
function compare(aligned, ref, withEnds) {
  // ref words in order; aligned words are the caption tokens: match by position after normalisation.
  const errs = [];
  let j = 0;
  for (const r of ref) {
    while (j < aligned.length && norm(aligned[j].text) !== norm(r.text)) j++;
    if (j === aligned.length) break;
    errs.push(Math.abs(aligned[j].start - r.start));
    if (withEnds) errs.push(Math.abs(aligned[j].end - r.end));
    j++;
  }
  return errs;
}
(async () => {
  const rows = [];
  let k = 0;
  for (const [label, make] of [
    ['espeak-ng en-us 175 wpm', async (t, raw) => JSON.parse(execFileSync('python3', [join(__dirname, 'espeak-word-events.py'), 'en-us', t, raw, '175'], { encoding: 'utf8' })).words],
    ['espeak-ng en (British) 227 wpm', async (t, raw) => JSON.parse(execFileSync('python3', [join(__dirname, 'espeak-word-events.py'), 'en', t, raw, '227'], { encoding: 'utf8' })).words],
    ['festival slt-hts', async (t, raw) => (await new FestivalSpeechProvider().synthesize({ text: t, language: 'en', voice: { provider: 'festival', speed: 1 }, output: raw })).words],
  ]) {
    const est = []; const errs = []; let audio = 0, ms = 0, failed = 0, words = 0, within = 0;
    for (const t of SENTENCES) {
      const raw = `${dir}/r${k}.wav`;
      const ref = await make(t, raw);
      const { a, duration } = await prepare(raw, k++);
      const t0 = process.hrtime.bigint();
      try {
        const aligned = await aligner.align({ audioPath: a, text: t, language: 'en', durationSeconds: duration, scratchDir: dir });
        ms += Number(process.hrtime.bigint() - t0) / 1e6; audio += duration;
        const tokens = tokenizeCaptionText(t, 'en');
        est.push(...compare(timeTokens(tokens, tokens.map(() => undefined), { start: 0, end: duration - SCENE_PAUSE_SECONDS }), ref, label.startsWith('festival')));
        const e = compare(aligned, ref, label.startsWith('festival'));
        errs.push(...e); words += e.length; within += e.filter((x) => x <= 0.1).length;
      } catch (err) { failed++; console.error(label, t, err.message); }
    }
    errs.sort((x, y) => x - y);
    const mean = errs.reduce((s, x) => s + x, 0) / errs.length;
    rows.push({ reference: label, boundaries: errs.length, meanErrorMs: Math.round(mean * 1000), p90Ms: Math.round(errs[Math.floor(errs.length * 0.9)] * 1000), maxMs: Math.round(errs.at(-1) * 1000), within100ms: `${Math.round((within / words) * 100)}%`, estimateMeanMs: Math.round((est.reduce((s, x) => s + x, 0) / est.length) * 1000), failed, realTimeFactor: +(ms / 1000 / audio).toFixed(3) });
  }
  console.table(rows);
  rmSync(dir, { recursive: true, force: true });
})();
