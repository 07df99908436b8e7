export * from './alianza';
export * from './errors';
export * from './from-config';
export * from './platform';
export * from './seed';
