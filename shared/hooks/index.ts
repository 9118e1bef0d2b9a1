export * from './types.ts';
export * from './http.ts';
