/**
 * What every model file's header must hold for plots, the landscape and predict, checked
 * once for all model types: the training record (costs and settings) and the input
 * description (shape, preprocessing, classes).
 */
import type { FloatDType } from '../core/dtype.js';
import { ModelFileError } from '../core/errors.js';
import type { CostRecord } from '../nn/logistic.js';
import type { TrainingRecord } from './loss-model.js';

/** The envelope every model file shares: its format name and version. */
export const MODEL_FORMAT = 'tsgrad-model';
export const MODEL_VERSION = 1;

/**
 * Parses a model file's text and checks its envelope (format and version). Browser-safe: the
 * CLI and the web page both read model files through it. Nothing in the file is evaluated.
 * @example const doc = parseModelDocument('cat.json', text); // { format: 'tsgrad-model', version: 1, ... }
 */
export function parseModelDocument(file: string, text: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ModelFileError(file, undefined, 'not a tsgrad model file (invalid or truncated JSON)');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ModelFileError(file, undefined, 'not a tsgrad model file');
  const o = doc as Record<string, unknown>;
  if (o['format'] !== MODEL_FORMAT) throw new ModelFileError(file, 'format', `expected "${MODEL_FORMAT}"`);
  if (o['version'] !== MODEL_VERSION) throw new ModelFileError(file, 'version', `unknown version ${JSON.stringify(o['version'])}, this tsgrad reads version ${MODEL_VERSION}`);
  return o;
}

/** The header fields every model file carries, as a model file object has them. */
export interface ModelHeader {
  model: { inputShape: number[] };
  dtype: FloatDType;
  classes: string[];
  preprocessing: unknown;
  training: Record<string, unknown>;
}

/**
 * The training record of a model file, checked field by field: costs as
 * `{iteration, cost}` or `{epoch, cost}`, and the scalar settings for titles.
 * @example trainingRecord('cat.json', doc).costs[0] // { iteration: 0, cost: 0.693... }
 */
export function trainingRecord(file: string, doc: ModelHeader): TrainingRecord {
  const t = doc.training;
  const costs = t['costs'] ?? [];
  if (!Array.isArray(costs)) throw new ModelFileError(file, 'training.costs', 'expected a list of {iteration, cost} or {epoch, cost}');
  let costUnit: 'iteration' | 'epoch' = 'iteration';
  const checked: CostRecord[] = costs.map((c: unknown, i) => {
    const o = c as Record<string, unknown> | null;
    const unit = o !== null && typeof o === 'object' && 'epoch' in o ? 'epoch' : 'iteration';
    if (i === 0) costUnit = unit;
    const at = o?.[unit];
    const cost = o?.['cost'];
    if (unit !== costUnit || typeof at !== 'number' || !Number.isInteger(at) || typeof cost !== 'number') {
      throw new ModelFileError(file, `training.costs[${i}]`, `expected {${costUnit}: integer, cost: number}`);
    }
    return { iteration: at, cost };
  });
  const settings: Record<string, string | number> = { dtype: doc.dtype };
  for (const key of ['engine', 'iterations', 'epochs', 'batchSize', 'learningRate', 'init', 'seed', 'optimizer', 'l2', 'dropout', 'loss', 'trainAccuracy', 'testAccuracy']) {
    const v = t[key];
    if (typeof v === 'string' || typeof v === 'number') settings[key] = v;
  }
  const str = (k: string): string | undefined => (typeof t[k] === 'string' ? (t[k] as string) : undefined);
  const trainFile = str('trainFile');
  const testFile = str('testFile');
  return { costs: checked, costUnit, settings, ...(trainFile !== undefined ? { trainFile } : {}), ...(testFile !== undefined ? { testFile } : {}) };
}

/**
 * Checks what every model type shares: the input shape against the features, the preprocessing, the classes.
 * @example checkHeader('cat.json', doc, 12288, 2); // throws a ModelFileError naming the field
 */
export function checkHeader(file: string, doc: ModelHeader, features: number, classCount: number): void {
  const inputShape = doc.model.inputShape;
  if (!Array.isArray(inputShape) || !inputShape.every((d) => Number.isSafeInteger(d) && d > 0) || inputShape.reduce((p, d) => p * d, 1) !== features) {
    throw new ModelFileError(file, 'model.inputShape', `${JSON.stringify(inputShape)} does not hold ${features} features`);
  }
  const prep = doc.preprocessing as { layout?: unknown; scale?: unknown } | undefined;
  if (prep?.layout !== 'flatten-hwc-columns' || prep.scale !== 255) {
    // The only preparation tsgrad's data layer does: flatten (h, w, c) into a column, divide by 255.
    throw new ModelFileError(file, 'preprocessing', `expected {"layout": "flatten-hwc-columns", "scale": 255}, got ${JSON.stringify(prep)}`);
  }
  if (!Array.isArray(doc.classes) || doc.classes.length !== classCount || !doc.classes.every((c) => typeof c === 'string')) {
    throw new ModelFileError(file, 'classes', `expected ${classCount} class names, got ${JSON.stringify(doc.classes)}`);
  }
  if (doc.training === null || typeof doc.training !== 'object') throw new ModelFileError(file, 'training', 'expected an object');
}

