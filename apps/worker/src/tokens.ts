/** Injection tokens. Symbols, not strings, so that two modules can never collide on a name. */
export const CONFIG = Symbol('VidflowConfig');
export const ACTIVITY_DEPS = Symbol('ActivityDeps');
export const CACHE = Symbol('ArtifactCache');
/** The started OpenTelemetry SDK (apps/worker/src/main.ts), or undefined while tracing is off. */
export const TRACING = Symbol('Tracing');
