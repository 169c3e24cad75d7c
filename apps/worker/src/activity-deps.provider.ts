import {
  type ActivityDeps,
  ArtifactStore,
  openObjectStore,
  createOpenAiClient,
  EspeakSpeechProvider,
  FestivalSpeechProvider,
  FliteSpeechProvider,
  OfflineScriptWriter,
  OpenAiImageProvider,
  OpenAiScriptWriter,
  OpenAiSpeechProvider,
  OpenAiSpeechToTextProvider,
  PexelsStockProvider,
  PixabayStockProvider,
  PocketsphinxAligner,
  PocketsphinxSpeechToTextProvider,
  type ScriptWriter,
  type SpeechProvider,
  type SpeechToTextProvider,
} from '@vidflow/activities';
import type { ArtifactCache } from '@vidflow/cache';
import type { OpenAiEndpoint, VidflowConfig } from '@vidflow/config';
import { chooseH264Encoder, execFfmpeg, FfmpegRunner } from '@vidflow/media';

/** Builds the activities' adapters from configuration: the worker's composition root. */
export function createActivityDeps(config: VidflowConfig, cache?: ArtifactCache): ActivityDeps {
  const speech: Record<string, SpeechProvider> = {
    espeak: new EspeakSpeechProvider(config.tools.espeak, config.childNice),
    flite: new FliteSpeechProvider(config.tools.flite, config.childNice),
    festival: new FestivalSpeechProvider(config.tools.festival, config.childNice),
  };
  const scriptWriters: Record<string, ScriptWriter> = { offline: new OfflineScriptWriter() };
  // One client per provider kind, hence one connection pool bounded by OPENAI_MAX_CONNECTIONS per server
  // (each kind may name its own: Ollama for text, Kokoro-FastAPI for speech). Its sockets are unref'd while
  // idle, so they never keep the process alive.
  if (config.llm.openai) {
    scriptWriters.openai = new OpenAiScriptWriter(openAiClientFor(config.llm.openai), config.llm.openai.model);
  }
  if (config.tts.openai) {
    const { model, voice } = config.tts.openai;
    speech.openai = new OpenAiSpeechProvider(openAiClientFor(config.tts.openai), { model, voice });
  }
  const speechToText: Record<string, SpeechToTextProvider> = { offline: new PocketsphinxSpeechToTextProvider(config.stt.pocketsphinxPath, config.childNice) };
  if (config.stt.openai) {
    // Its own client: another server (STT_BASE_URL), key and timeout than the script and speech providers.
    const { client } = createOpenAiClient({
      apiKey: config.stt.openai.apiKey,
      baseUrl: config.stt.openai.baseUrl,
      timeoutMs: config.stt.openai.timeoutMs,
      maxConnections: config.llm.openai?.maxConnections ?? 16,
    });
    speechToText.openai = new OpenAiSpeechToTextProvider(client, { model: config.stt.openai.model, baseUrl: config.stt.openai.baseUrl });
  }
  // Probed once, now (worker start), not on the first render: a few one-frame ffmpeg runs, never an error.
  const encoder = chooseH264Encoder({ wanted: config.renderEncoder, run: execFfmpeg(config.tools.ffmpeg) });
  return {
    speechToText,
    renderEncoder: async () => (await encoder).encoder,
    store: new ArtifactStore(config.dataDir, { finished: openObjectStore(config) }),
    ffmpeg: new FfmpegRunner({ ffmpegPath: config.tools.ffmpeg, ffprobePath: config.tools.ffprobe, childNice: config.childNice }),
    speech,
    // The recogniser transcriptions use, and espeak-ng for the pronunciation of words its dictionary lacks.
    aligner: new PocketsphinxAligner({ pocketsphinxPath: config.stt.pocketsphinxPath, espeakPath: config.tools.espeak, childNice: config.childNice }),
    scriptWriters,
    renderPreset: config.renderPreset,
    mediaDir: config.mediaDir,
    renderCfr: config.renderCfr,
    mediaDownload: config.mediaDownload,
    webhooks: config.webhooks,
    stockMedia: {
      ...(config.stockMedia.pexels ? { pexels: new PexelsStockProvider(config.stockMedia.pexels) } : {}),
      ...(config.stockMedia.pixabay ? { pixabay: new PixabayStockProvider(config.stockMedia.pixabay) } : {}),
    },
    ...(config.images.openai
      ? { sceneImages: { 'openai-images': new OpenAiImageProvider(openAiClientFor(config.images.openai), config.images.openai.model, config.images.openai.baseUrl ?? 'https://api.openai.com/v1') } }
      : {}),
    sweepGraceSeconds: config.worker.sweepGraceSeconds,
    cache,
  };
}

function openAiClientFor(endpoint: OpenAiEndpoint) {
  return createOpenAiClient({ apiKey: endpoint.apiKey, baseUrl: endpoint.baseUrl, timeoutMs: endpoint.timeoutMs, maxConnections: endpoint.maxConnections }).client;
}
