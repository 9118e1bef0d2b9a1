export * from './types.ts';
export * from './chat.ts';
export * from './post.ts';
export * from './outbox.ts';
export * from './sns.ts';
export * from './eventbridge.ts';
export * from './notifications.ts';
export * from './factory.ts';
