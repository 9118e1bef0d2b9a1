export * from './types.ts';
export * from './errors.ts';
export * from './resources.ts';
export * from './client.ts';
export * from './config.ts';
export * from './counter.ts';
export * from './events.ts';
export * from './status.ts';
