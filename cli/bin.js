#!/usr/bin/env node
// The `fledge` command. Node 24 runs our TypeScript directly (type stripping); see package.json "engines".
import { stopWhenOrphaned } from './lifetime.ts';
import { main } from './main.ts';

// Long-running commands (emulator, simulate, demo) stop with the process the user started, even through npx.
stopWhenOrphaned();
process.exitCode = await main(process.argv.slice(2));
