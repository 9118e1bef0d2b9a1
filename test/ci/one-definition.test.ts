import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const CODE = ['shared', 'sim', 'cli'].flatMap(sources).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
const filesMatching = (pattern: RegExp): string[] => CODE.filter(({ text }) => pattern.test(text)).map(({ file }) => file).sort();

// Each rule lives in one place, so a fix to it cannot miss a copy (a code review found two or three of each).
describe('one definition of each shared rule', () => {
  it('canonical JSON: one implementation', () => {
    expect(filesMatching(/function canonicalJson\b/)).toEqual(['shared/json.ts']);
  });

  it('session-affinity cookies: derived in one place, used by the engine and the Istio router', () => {
    expect(filesMatching(/function sessionCookie\b/)).toEqual(['shared/hash.ts']);
    expect(filesMatching(/createHash\(/).filter((file) => file.startsWith('shared/routers/'))).toEqual([]);
    expect(filesMatching(/sessionCookie\(/)).toEqual(expect.arrayContaining(['shared/engine/outcomes.ts', 'shared/routers/istio.ts']));
  });

  it('the progress deadline of a not-ready workload: one rule for the canary and the primary', () => {
    expect(filesMatching(/stalled\s*(<|>=)\s*t\.spec\.progressDeadlineSeconds/)).toEqual(['shared/engine/progress.ts']);
    expect(filesMatching(/progressDeadline\(t, 'canary'/)).toEqual(['shared/engine/analysing.ts']);
    expect(filesMatching(/progressDeadline\(t, 'primary'/)).toEqual(['shared/engine/promotion.ts']);
  });

  it('history items: one builder in the controller', () => {
    const advance = readFileSync('shared/controller/advance.ts', 'utf8');
    expect(advance.match(/: HistoryItem = \{|expiresAt: historyExpiry/g)).toHaveLength(1);
  });
});
