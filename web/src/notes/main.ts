/**
 * The notes page (web/notes.html): one live panel per figure of the notes. Each panel's
 * numbers come from tsgrad's own tensors and autograd, the same modules the CLI uses.
 */
import { descentPanel } from './descent-view.js';
import { graphPanel } from './graph-view.js';
import { vectorisePanel } from './vectorise-view.js';
import { J_DEFAULTS, jModel, NEURON_DEFAULTS, neuronModel } from './graph-model.js';

graphPanel({ prefix: 'g', inputs: ['a', 'b', 'c'], defaults: J_DEFAULTS, model: jModel });
graphPanel({
  prefix: 'n',
  inputs: ['w1', 'w2', 'b', 'x1', 'x2', 'y'],
  defaults: NEURON_DEFAULTS,
  check: (k, x) => (k === 'y' && !(x >= 0 && x <= 1) ? 'y: a label between 0 and 1' : null),
  model: neuronModel,
});
descentPanel();
vectorisePanel();
