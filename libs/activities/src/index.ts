// Wiring: what the worker registers and how it builds the dependencies.
export * from './activity-deps';
export * from './create-activities';

// Activities (one factory per file) and what they share.
export * from './activities/failures';
export * from './activities/pipeline-cache.activity';
export * from './activities/select-sweepable';
export { sweepRunFoldersOf } from './activities/sweep-run-folders.activity';
export * from './activities/split-script';
export * from './activities/stage-cache';
export * from './activities/transcribe-chunk.activity';
export * from './activities/transcription-paths';

// Adapters: one folder per provider kind or side effect.
export * from './adapters/artifact-store/artifact-store';
export * from './adapters/artifact-store/object-store';
export * from './adapters/artifact-store/s3-object-store';
export * from './adapters/artifact-store/open-object-store';
export { TemporalWorkflowRuns } from './adapters/workflow-runs/workflow-runs';
export * from './adapters/llm/offline-script-writer';
export * from './adapters/llm/openai-script-writer';
export * from './adapters/llm/script-writer';
export * from './adapters/media-download/download-media';
export * from './adapters/openai/openai-client';
export * from './adapters/openai/openai-errors';
export * from './adapters/provider-error';
export * from './adapters/speech/espeak-speech.provider';
export * from './adapters/speech/festival-speech.provider';
export * from './adapters/speech/flite-speech.provider';
export * from './adapters/speech/openai-speech.provider';
export * from './adapters/speech/speech-provider';
export * from './adapters/alignment/espeak-phonemes-to-arpabet';
export * from './adapters/alignment/forced-aligner';
export * from './adapters/alignment/map-aligned-words';
export * from './adapters/alignment/plan-alignment';
export * from './adapters/alignment/pocketsphinx-aligner';
export * from './adapters/speech-to-text/openai-speech-to-text.provider';
export * from './adapters/speech-to-text/parse-pocketsphinx-output';
export * from './adapters/speech-to-text/pocketsphinx-speech-to-text.provider';
export * from './adapters/speech-to-text/speech-to-text-provider';
export * from './adapters/speech-to-text/word-error-rate';
export * from './adapters/workflow-runs/workflow-runs';
export * from './adapters/webhook/send-webhook';
export * from './adapters/webhook/sign-webhook';
export * from './activities/deliver-webhook.activity';
export * from './adapters/speech/list-voices';
export * from './adapters/stock-media/pexels-stock.provider';
export * from './adapters/stock-media/pixabay-stock.provider';
export * from './adapters/stock-media/scene-queries';
export * from './adapters/stock-media/stock-media-provider';
export * from './adapters/scene-images/openai-image.provider';
export * from './adapters/scene-images/scene-image-provider';
