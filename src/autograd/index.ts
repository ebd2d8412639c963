// The autograd layer's public face. Importing it installs the graph recorder and the
// `backward`/`detach` methods on Tensor.
import './methods.js';

export { GraphNode, detach, isGradEnabled, label, nameOf, noGrad, nodeOf, requiresGrad, variable, type VariableOptions } from './graph.js';
export { backward, zeroGrad, type BackwardOptions } from './backward.js';
export { grad, valueAndGrad, type Gradients } from './functional.js';
export { gradCheck, type GradCheckOptions, type GradCheckReport, type InputGradCheck } from './gradcheck.js';
export { RULES, opSymbol, unbroadcast, type OpDef, type RuleContext } from './rules.js';
