// PLACEHOLDER (cdk room): lets `cdk synth` bundle an entry until the runtime room's advance handler lands.
// Replace with the runtime room's lambdas/advance/index.ts at merge.
export const handler = async (): Promise<{ placeholder: true }> => ({ placeholder: true });
