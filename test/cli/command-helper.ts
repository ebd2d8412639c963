import { CommanderError, type Command } from 'commander';
import { vi } from 'vitest';

/**
 * Runs a command factory's Command in this process, as `tsgrad <name> ...args` would, and
 * returns its exit code and output (commander's usage errors exit 2, as main.ts maps them).
 */
export async function runInProcess(cmd: Command, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  const previous = process.exitCode;
  process.exitCode = undefined;
  let code: number;
  try {
    await cmd.exitOverride().parseAsync(args, { from: 'user' });
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode === 0 ? 0 : 2;
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = previous;
  }
  return { code, stdout, stderr };
}
