import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SpokenWord } from '@vidflow/contracts';
import { runSpeechTool } from '../speech/run-speech-tool';
import { parsePocketsphinxOutput } from '../speech-to-text/parse-pocketsphinx-output';
import { espeakPhonemesToArpabet } from './espeak-phonemes-to-arpabet';
import { AlignmentError, type AlignRequest, type ForcedAligner } from './forced-aligner';
import { mapAlignedWords } from './map-aligned-words';
import { parseCmuDictionary, planAlignment, wordsToGuess, type PronouncingDictionary } from './plan-alignment';

/** The dictionary of Debian's pocketsphinx-en-us, the one pocketsphinx_continuous uses by default. */
export const CMU_DICTIONARY_PATH = '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict';

/**
 * The search settings of the alignment run, tried in order until one finds a path through the grammar. With the
 * default beams (1e-48) PocketSphinx 5prealpha pruned the only path through a 13-word grammar on a 3.7 s espeak-ng
 * sentence ("Final result does not match the grammar"); wide beams find it at about 0.01x real time, and a sentence
 * of names and numbers spoken by the British voice needed no pruning at all (0 turns the beams off: 0.04x real
 * time, 60 MB for 30 s). VAD: pocketsphinx_continuous ends an utterance after `-vad_postspeech` frames of silence
 * (default 50, 0.5 s) and starts the grammar again for the next one, which a pause between a scene's sentences
 * would break; 1000 frames (10 s) keeps a scene one utterance (100000 made it print nothing).
 */
const SEARCHES = [
  ['-beam', '1e-100', '-pbeam', '1e-100', '-wbeam', '1e-80'],
  ['-beam', '0', '-pbeam', '0', '-wbeam', '0'],
].map((beams) => [...beams, '-vad_postspeech', '1000']);

export interface PocketsphinxAlignerOptions {
  pocketsphinxPath?: string;
  /** espeak-ng guesses the pronunciation of words the dictionary lacks (names, numbers). */
  espeakPath?: string;
  dictionaryPath?: string;
  /** The nice value both tools run at (CHILD_NICE); 0 leaves them at the worker's. */
  childNice?: number;
}

/**
 * Forced alignment with the offline recogniser: PocketSphinx recognises the audio against a JSGF grammar that
 * accepts only the text's word sequence (with optional silences between words), so the one thing it decides is
 * where each word starts and ends. Words missing from the CMU dictionary get phones from espeak-ng's
 * pronunciation (`-x`), mapped to ARPAbet; a word neither knows is timed between its neighbours. English only
 * (the en-us model and dictionary).
 */
export class PocketsphinxAligner implements ForcedAligner {
  readonly identity = 'pocketsphinx:5prealpha:en-us:jsgf:1';
  private dictionary?: Promise<PronouncingDictionary>;
  private readonly o: Required<PocketsphinxAlignerOptions>;

  constructor(options: PocketsphinxAlignerOptions = {}) {
    this.o = {
      pocketsphinxPath: options.pocketsphinxPath ?? 'pocketsphinx_continuous',
      espeakPath: options.espeakPath ?? 'espeak-ng',
      dictionaryPath: options.dictionaryPath ?? CMU_DICTIONARY_PATH,
      childNice: options.childNice ?? 0,
    };
  }

  languageProblem(language: string): string | undefined {
    return /^en(-|$)/i.test(language) ? undefined : `the aligner's model and dictionary are English only, not "${language}"`;
  }

  async align(request: AlignRequest): Promise<SpokenWord[]> {
    const problem = this.languageProblem(request.language);
    if (problem) throw new AlignmentError(problem);
    const dictionary = await this.loadDictionary();
    const guesses = await this.guessPronunciations(wordsToGuess(request.text, dictionary), request.signal);
    const plan = planAlignment({ text: request.text, dictionary, guesses });
    if (!plan.grammar.length) throw new AlignmentError('no word of the text can be pronounced');
    const grammarPath = join(request.scratchDir, 'align.jsgf');
    const dictionaryPath = join(request.scratchDir, 'align.dict');
    await writeFile(grammarPath, plan.jsgf);
    await writeFile(dictionaryPath, plan.dictionary);
    for (const search of SEARCHES) {
      const { stdout } = await runSpeechTool({
        binary: this.o.pocketsphinxPath,
        packageName: 'pocketsphinx pocketsphinx-en-us',
        args: ['-infile', request.audioPath, '-jsgf', grammarPath, '-dict', dictionaryPath, '-time', 'yes', ...search, '-logfn', '/dev/null'],
        signal: request.signal,
        nice: this.o.childNice,
      });
      const recognised = parsePocketsphinxOutput(stdout).flatMap((s) => s.words ?? []);
      if (recognised.length) return mapAlignedWords({ plan, recognised, durationSeconds: request.durationSeconds });
    }
    throw new AlignmentError('the recogniser found no path through the grammar');
  }

  /** The dictionary, read once (135,000 words, about 0.2 s); a failed read is tried again next time. */
  private loadDictionary(): Promise<PronouncingDictionary> {
    this.dictionary ??= readFile(this.o.dictionaryPath, 'utf8').then(parseCmuDictionary, (err: Error) => {
      this.dictionary = undefined;
      throw new AlignmentError(`cannot read the pronouncing dictionary ${this.o.dictionaryPath} (apt-get install pocketsphinx-en-us): ${err.message}`);
    });
    return this.dictionary;
  }

  /** espeak-ng's pronunciation of each word, one line in and one line out per word; none when the lines do not pair up. */
  private async guessPronunciations(words: string[], signal?: AbortSignal): Promise<Map<string, string[]>> {
    const unique = [...new Set(words)];
    const guesses = new Map<string, string[]>();
    if (!unique.length) return guesses;
    // The full stop ends each line's clause, so espeak-ng prints each word's phonemes on a line of its own.
    const { stdout } = await runSpeechTool({
      binary: this.o.espeakPath,
      packageName: 'espeak-ng',
      args: ['-v', 'en-us', '-q', '-x', '--sep=_', '--stdin'],
      stdin: unique.map((w) => `${w}.`).join('\n') + '\n',
      signal,
      nice: this.o.childNice,
    });
    const lines = stdout.split('\n').filter((l) => l.trim());
    if (lines.length !== unique.length) return guesses;
    unique.forEach((w, i) => {
      const phones = espeakPhonemesToArpabet(lines[i]!);
      if (phones) guesses.set(w, phones);
    });
    return guesses;
  }
}
