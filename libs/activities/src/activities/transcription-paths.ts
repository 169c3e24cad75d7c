import { join } from 'node:path';

// Where a transcription's files live in the artifact store (DATA_DIR):
//   transcriptions/<id>/work/     intermediate files kept between activities (audio, chunk transcripts, captions)
//   transcriptions/<id>/subtitles.<format>, video.mp4   the results (transcriptionFilePath in the contracts)
//   tmp/<id>/                     scratch space of one activity attempt (ArtifactStore.scratchDir)

export function transcriptionDir(transcriptionId: string): string {
  return join('transcriptions', transcriptionId);
}

export function transcriptionWorkDir(transcriptionId: string): string {
  return join(transcriptionDir(transcriptionId), 'work');
}

export function transcriptionWorkFile(transcriptionId: string, name: string): string {
  return join(transcriptionWorkDir(transcriptionId), name);
}

export function chunkTranscriptFile(transcriptionId: string, index: number): string {
  return transcriptionWorkFile(transcriptionId, `chunk-${String(index).padStart(4, '0')}.json`);
}
