/**
 * Issue 18 item 20: the published types (dist/*.d.ts, package.json `types`) compile in a
 * consumer that checks library files (`skipLibCheck: false`) and has no @types/node (no
 * `NodeJS.ProcessEnv`, no `Buffer` in the signatures), as a browser bundle or a Deno-style
 * project sees them. Needs the build (`npm test` runs tsc first).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from './data/fixtures.js';

afterAll(removeTempDirs);

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

const CONSUMER = `import { fromArray, matmul, locateDataFiles, loadModelFile, TrainingRun, type LocateOptions, type Tensor } from 'tsgrad';
const t: Tensor = matmul(fromArray([[1, 2]]), fromArray([[3], [4]]));
const where: LocateOptions = { env: { TSGRAD_DATA: '/data/cats' }, cwd: '/' };
export const text: string = t.toString();
export const train: string = locateDataFiles(where).train;
export const load: typeof loadModelFile = loadModelFile;
export type Run = TrainingRun;
`;

it('dist/index.d.ts compiles with skipLibCheck false and without @types/node', async () => {
  expect(existsSync(join(ROOT, 'dist', 'index.d.ts')), 'build first: npx tsc -p tsconfig.json').toBe(true);
  const dir = await tempDir();
  // The package as a consumer installs it: node_modules/tsgrad is this checkout (its package.json exports).
  await mkdir(join(dir, 'node_modules'));
  await symlink(ROOT, join(dir, 'node_modules', 'tsgrad'), 'dir');
  await writeFile(join(dir, 'main.ts'), CONSUMER);
  const config = { compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2022'], types: [], skipLibCheck: false, noEmit: true }, files: ['main.ts'] };
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(config));
  const out = await promisify(execFile)(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: dir }).then(
    () => '',
    (e: { stdout?: string }) => e.stdout ?? String(e),
  );
  expect(out).toBe('');
}, 60_000);
