export * from './h264-encoder';
export * from './choose-h264-encoder';
