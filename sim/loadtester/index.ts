export { startLoadtester, type Loadtester, type LoadtesterCall, type LoadtesterOptions, type RecordedTask } from './server.ts';
export { GateStorage, gateKey, rollbackKey } from './gates.ts';
export { allowListRunner, type CommandResult, type CommandRunner } from './commands.ts';
