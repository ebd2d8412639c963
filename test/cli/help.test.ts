/**
 * Issue 18 item 18: `--help` gave two defaults in one line (`--iterations ... (mlp default
 * 2500) (default: 2000)`): commander prints `(default: X)` after a description that already
 * says its default. Every option of every command says its default once at most.
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { evaluateCommand } from '../../src/cli/evaluate.js';
import { featuresCommand } from '../../src/cli/features.js';
import { gradcheckCommand } from '../../src/cli/gradcheck.js';
import { graphCommand } from '../../src/cli/graph.js';
import { infoCommand } from '../../src/cli/info.js';
import { landscapeCommand } from '../../src/cli/landscape.js';
import { plotCommand } from '../../src/cli/plot.js';
import { predictCommand } from '../../src/cli/predict.js';
import { saliencyCommand } from '../../src/cli/saliency.js';
import { trainCommand } from '../../src/cli/train.js';

const COMMANDS: Command[] = [trainCommand(), evaluateCommand(), graphCommand(), gradcheckCommand(), plotCommand(), landscapeCommand(), predictCommand(), saliencyCommand(), featuresCommand(), infoCommand()];

describe('--help', () => {
  it('gives each option at most one default', () => {
    const twice = COMMANDS.flatMap((cmd) =>
      cmd.options
        .filter((o) => (o.description.match(/\bdefault/gi) ?? []).length + (o.defaultValue !== undefined ? 1 : 0) > 1)
        .map((o) => `${cmd.name()} ${o.flags}: ${o.description} (default: ${String(o.defaultValue)})`),
    );
    expect(twice).toEqual([]);
  });
  it("prints train's --iterations with the defaults of both presets, once", () => {
    const help = trainCommand().helpInformation().replace(/\s+/g, ' ');
    expect(help).toContain('--iterations <n> full-batch gradient descent iterations (default 2000 for the neuron, 2500 otherwise)');
    expect(help).not.toMatch(/\(default[^)]*\) \(default/);
  });
});
