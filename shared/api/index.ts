export * from './types.ts';
export * from './state.ts';
