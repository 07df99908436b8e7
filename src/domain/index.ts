export * from './address';
export * from './calendar';
export * from './duration';
export * from './numbers';
export * from './order';
export * from './port';
export * from './telephone-number';
export * from './release';
