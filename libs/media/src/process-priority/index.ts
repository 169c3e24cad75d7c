export * from './lower-child-priority';
