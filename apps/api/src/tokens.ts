/** Injection tokens. Symbols, not strings, so that two modules can never collide on a name. */
export const CONFIG = Symbol('VidflowConfig');
export const TEMPORAL_CLIENT = Symbol('TemporalClient');
export const CACHE = Symbol('ArtifactCache');
