// PLACEHOLDER (cdk room): lets `cdk synth` bundle an entry until the runtime room's watcher handler lands.
// Replace with the runtime room's lambdas/watcher/index.ts at merge.
export const handler = async (): Promise<{ placeholder: true }> => ({ placeholder: true });
