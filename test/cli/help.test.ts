/**
 * Issue 18 item 18: `--help` gave two defaults in one line (`--iterations ... (mlp default
 * 2500) (default: 2000)`): commander prints `(default: X)` after a description that already
 * says its default. No option gives its default both ways.
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
  it('never gives a default in an option\'s description and commander\'s (default: X) both', () => {
    const twice = COMMANDS.flatMap((cmd) =>
      cmd.options
        // commander appends `(default: X)` for a default value: then the description must not give one too.
        .filter((o) => o.defaultValue !== undefined && /\bdefault/i.test(o.description))
        .map((o) => `${cmd.name()} ${o.flags}: ${o.description} (default: ${String(o.defaultValue)})`),
    );
    expect(twice).toEqual([]);
  });
  it("prints train's --iterations with the defaults of both presets, once", () => {
    for (const cmd of COMMANDS) expect(cmd.helpInformation().replace(/\s+/g, ' ')).not.toMatch(/\(default[^)]*\) \(default/);
    const help = trainCommand().helpInformation().replace(/\s+/g, ' ');
    expect(help).toContain('--iterations <n> full-batch gradient descent iterations (default 2000 for the neuron, 2500 otherwise)');
    expect(help).not.toMatch(/\(default[^)]*\) \(default/);
  });
});
