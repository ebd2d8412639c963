import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { backendInfo, backendStatuses, type BackendInfo, type BackendStatus } from '../kernels/backend.js';
import { EXIT, runCommand } from './run.js';

interface InfoOptions {
  json?: boolean;
  debug?: boolean;
}

/** What `tsgrad info --json` prints. */
export interface InfoReport {
  readonly tsgrad: string;
  readonly node: string;
  readonly platform: string;
  /** The running backend, or null when TSGRAD_BACKEND forces one that cannot run. */
  readonly backend: BackendInfo['name'] | null;
  readonly reason: string;
  readonly library: string | null;
  readonly TSGRAD_BACKEND: string | null;
  readonly backends: readonly BackendStatus[];
}

// dist/cli/info.js and src/cli/info.ts are both two folders below package.json.
function tsgradVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The versions and the kernel backend, with why it was chosen. A forced backend that cannot
 * run is reported (not thrown), with exit code 2, so that `info` explains what `train` refuses.
 * @example infoReport().backend // 'blas' where libopenblas.so.0 loads
 */
export function infoReport(): InfoReport {
  const env = process.env['TSGRAD_BACKEND'];
  const base = { tsgrad: tsgradVersion(), node: process.version, platform: `${process.platform}-${process.arch}`, TSGRAD_BACKEND: env ?? null };
  try {
    const b = backendInfo();
    return { ...base, backend: b.name, reason: b.reason, library: b.library ?? null, backends: backendStatuses() };
  } catch (e) {
    return { ...base, backend: null, reason: e instanceof Error ? e.message : String(e), library: null, backends: backendStatuses() };
  }
}

function text(r: InfoReport): string {
  const lines = [
    `tsgrad ${r.tsgrad}, node ${r.node} (${r.platform})`,
    `backend: ${r.backend ?? 'none'}${r.library === null ? '' : ` (${r.library})`}: ${r.reason}`,
    ...r.backends.map((s) => `  ${s.name.padEnd(4)} ${s.available ? 'available' : 'missing  '}  ${s.detail}`),
    `TSGRAD_BACKEND: ${r.TSGRAD_BACKEND ?? '(unset: the first available)'}`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * `tsgrad info`: tsgrad's and Node's versions, and which kernel backend runs and why.
 * @example program.addCommand(infoCommand());
 */
export function infoCommand(): Command {
  return new Command('info')
    .description('print the versions and which kernel backend (blas, wasm, js) runs, and why')
    .option('--json', 'print one JSON object on stdout instead of text')
    .option('--debug', 'show stack traces on errors')
    .action(async (opts: InfoOptions) => {
      process.exitCode = await runCommand(async () => {
        const r = infoReport();
        process.stdout.write(opts.json ? `${JSON.stringify(r)}\n` : text(r));
        return r.backend === null ? EXIT.user : EXIT.ok;
      }, opts.debug === true);
    });
}
