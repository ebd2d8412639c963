/**
 * The page's code is bundled by Vite, which strips types without checking them; this holds
 * web/ (page, worker, Vite config) to the compiler with the DOM library.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

it('web/ type-checks (tsc -p web/tsconfig.json)', async () => {
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  const result = await promisify(execFile)(process.execPath, [tsc, '-p', 'web/tsconfig.json'], { cwd: ROOT }).then(
    () => '',
    (e: { stdout?: string }) => e.stdout ?? String(e),
  );
  expect(result).toBe('');
});
