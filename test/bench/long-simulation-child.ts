/**
 * Runs `fledge simulate FILE --max-ticks N` in this fresh process, its tick lines discarded, and prints one JSON
 * line: the exit code and the process's peak resident set size (what `/usr/bin/time` calls maximum resident).
 */
import { main } from '../../cli/main.ts';

const [file, ticks] = process.argv.slice(2) as [string, string];
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (() => true) as typeof process.stdout.write;
const started = performance.now();
const code = await main(['simulate', file, '--max-ticks', ticks]);
write(`${JSON.stringify({ code, maxRssKiB: process.resourceUsage().maxRSS, wallMs: Math.round(performance.now() - started) })}\n`);
