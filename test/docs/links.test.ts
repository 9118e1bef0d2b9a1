/**
 * The repository stands on its own: README.md and docs/ link only to files inside it (a clone has nothing
 * else), every such link resolves, and every `#anchor` names a heading of its page.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(new URL('../../', import.meta.url).pathname);
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
  const headings = [...markdown.matchAll(/^#{1,6} +(.+)$/gm)].map((m) => (m[1] ?? '').trim());
  return new Set(headings.map((h) => h.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')));
}

/** `[text](target)` links outside code blocks. */
function links(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
}

/** Where a link leads: outside the repository, to a missing file or anchor, or undefined when it is fine. */
export function brokenLink(page: string, target: string, read: (path: string) => string | undefined): string | undefined {
  if (/^[a-z]+:/i.test(target)) return /^https?:/i.test(target) ? undefined : 'not a web or repository link';
  const [path = '', anchor] = target.split('#');
  const file = path === '' ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), path);
  if (path.startsWith('/') || relative(ROOT, file).startsWith('..')) return 'outside the repository';
  const text = read(file);
  if (text === undefined) return 'no such file in the repository';
  if (anchor !== undefined && file.endsWith('.md') && !anchors(text).has(anchor)) return `no heading #${anchor}`;
  return undefined;
}

const readRepoFile = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

describe('README.md and docs/', () => {
  it('have the pages a user needs', () => {
    expect(PAGES).toEqual(expect.arrayContaining(['README.md', 'docs/scenarios.md', 'docs/architecture.md']));
  });

  it.each(PAGES)('%s links only inside the repository, to files and headings that exist', (page) => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const broken = links(text).flatMap((target) => {
      const why = brokenLink(page, target, readRepoFile);
      return why === undefined ? [] : [`${target}: ${why}`];
    });
    expect(broken).toEqual([]);
    // Paths into the design folder a clone does not have, written as code rather than as links.
    expect(text.match(/(?:\.\.\/)+shared\/[A-Z]|\/work\/shared/g) ?? []).toEqual([]);
  });

  it('tells a link that leaves the repository from one that stays', () => {
    const read = (path: string): string | undefined => (path.endsWith('docs/scenarios.md') ? '# Scenarios\n## Running it\n' : undefined);
    expect(brokenLink('README.md', '../shared/SCENARIOS.md', read)).toBe('outside the repository');
    expect(brokenLink('README.md', '/work/shared/DESIGN.md', read)).toBe('outside the repository');
    expect(brokenLink('docs/architecture.md', '../../x.md', read)).toBe('outside the repository');
    expect(brokenLink('README.md', 'docs/missing.md', read)).toBe('no such file in the repository');
    expect(brokenLink('README.md', 'docs/scenarios.md#nope', read)).toBe('no heading #nope');
    expect(brokenLink('README.md', 'docs/scenarios.md#running-it', read)).toBeUndefined();
    expect(brokenLink('README.md', 'file:///etc/passwd', read)).toBe('not a web or repository link');
  });
});
