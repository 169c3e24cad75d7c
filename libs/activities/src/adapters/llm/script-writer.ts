import type { Scene } from '@vidflow/contracts';

export interface WriteScriptRequest {
  topic: string;
  language: string;
  style?: string;
  targetSeconds: number;
  model?: string;
}

/** Something that turns a topic into narrated scenes: the offline writer, or an LLM. */
export interface ScriptWriter {
  readonly name: string;
  write(request: WriteScriptRequest): Promise<Scene[]>;
}
