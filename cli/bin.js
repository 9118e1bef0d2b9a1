#!/usr/bin/env node
// The `fledge` command. Node 24 runs our TypeScript directly (type stripping); see package.json "engines".
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
