/**
 * Issue 18 item 24: what the README's own commands write (`--save cat.json`, `--out plots`, ...)
 * is in .gitignore, so following the README leaves `git status` clean.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const ROOT = new URL('../', import.meta.url);

it("ignores every file and folder the README's commands write", () => {
  const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
  const ignored = new Set(readFileSync(new URL('.gitignore', ROOT), 'utf8').split('\n').map((l) => l.trim()));
  const outputs = new Set<string>();
  for (const m of readme.matchAll(/--(?:save|out|plot) ([A-Za-z0-9._-]+)/g)) {
    const name = m[1] as string;
    if (name === 'FILE' || name === 'DIR') continue; // placeholders in the usage lines
    outputs.add(/\.[a-z]+$/.test(name) ? `/${name}` : `/${name}/`);
  }
  // The ones issue 18 found, so the scan cannot pass by finding nothing.
  expect([...outputs]).toEqual(expect.arrayContaining(['/cat.json', '/two.json', '/plots/', '/land/', '/j.svg', '/n.svg']));
  expect([...outputs].filter((o) => !ignored.has(o))).toEqual([]);
});
