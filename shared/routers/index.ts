export * from './types.ts';
export * from './errors.ts';
export * from './names.ts';
export * from './services.ts';
export * from './kubernetes.ts';
export * from './istio-routes.ts';
export * from './istio.ts';
export * from './factory.ts';
