export * from './caption-style';
export * from './caption-words';
export * from './build-styled-captions';
