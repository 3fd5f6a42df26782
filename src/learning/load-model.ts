/**
 * Turns stored model JSON into a predictor after checking it thoroughly: a model file comes from a
 * database or disk and a malformed one must fail loudly here, not as a wrong score later.
 */
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelPredictor, type TreeEnsembleJson, type TreeJson } from './model-format.js';
import { TreeEnsemblePredictor } from './predictor.js';
import { ScorecardPredictor, validateScorecard } from './scorecard.js';

export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}

export function loadModel(json: unknown): ModelPredictor {
  const model = typeof json === 'string' ? parseJson(json) : json;
  if (!isRecord(model)) throw new ModelFormatError('a model is a JSON object');
  if (model.format !== MODEL_FORMAT) throw new ModelFormatError(`format must be "${MODEL_FORMAT}", got ${JSON.stringify(model.format)}`);
  if (model.formatVersion !== MODEL_FORMAT_VERSION) throw new ModelFormatError(`formatVersion ${JSON.stringify(model.formatVersion)} is not supported (this build reads ${MODEL_FORMAT_VERSION})`);
  if (model.kind === 'scorecard') return new ScorecardPredictor(validateScorecard(model));
  if (model.kind !== 'gradient-boosting' && model.kind !== 'random-forest') throw new ModelFormatError(`unknown model kind ${JSON.stringify(model.kind)}`);
  return new TreeEnsemblePredictor(validateTreeEnsemble(model));
}

/** Checks every field of a tree ensemble; returns it typed. */
export function validateTreeEnsemble(model: Record<string, unknown>): TreeEnsembleJson {
  const names = model.featureNames;
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) throw new ModelFormatError('featureNames must be an array of strings');
  if (new Set(names).size !== names.length) throw new ModelFormatError('featureNames must be distinct');
  if (typeof model.baseScore !== 'number' || !Number.isFinite(model.baseScore)) throw new ModelFormatError('baseScore must be a finite number');
  const expectedSpace = model.kind === 'gradient-boosting' ? 'log-odds' : 'probability';
  if (model.outputSpace !== expectedSpace) throw new ModelFormatError(`a ${String(model.kind)} model has outputSpace "${expectedSpace}", got ${JSON.stringify(model.outputSpace)}`);
  if (!Array.isArray(model.trees)) throw new ModelFormatError('trees must be an array');
  if (model.trainingOptions !== undefined && !isRecord(model.trainingOptions)) throw new ModelFormatError('trainingOptions must be an object');
  model.trees.forEach((tree, t) => validateTree(tree, t, names.length));
  return model as unknown as TreeEnsembleJson;
}

const TREE_FIELDS = ['feature', 'threshold', 'missingGoesLeft', 'left', 'right', 'value', 'cover'] as const;

function validateTree(tree: unknown, t: number, featureCount: number): asserts tree is TreeJson {
  const where = `trees[${t}]`;
  if (!isRecord(tree)) throw new ModelFormatError(`${where} must be an object`);
  for (const field of TREE_FIELDS) if (!Array.isArray(tree[field])) throw new ModelFormatError(`${where}.${field} must be an array`);
  const feature = tree.feature as unknown[];
  const nodes = feature.length;
  if (nodes === 0) throw new ModelFormatError(`${where} has no nodes`);
  for (const field of TREE_FIELDS) {
    if ((tree[field] as unknown[]).length !== nodes) throw new ModelFormatError(`${where}.${field} has ${(tree[field] as unknown[]).length} entries for ${nodes} nodes`);
  }
  const threshold = tree.threshold as unknown[];
  const missing = tree.missingGoesLeft as unknown[];
  const left = tree.left as unknown[];
  const right = tree.right as unknown[];
  const value = tree.value as unknown[];
  const cover = tree.cover as unknown[];
  const parents = new Int32Array(nodes);
  for (let i = 0; i < nodes; i++) {
    const f = feature[i];
    if (!Number.isInteger(f) || (f as number) < -1 || (f as number) >= featureCount) throw new ModelFormatError(`${where}.feature[${i}] must be -1 or a feature index below ${featureCount}`);
    if (typeof missing[i] !== 'boolean') throw new ModelFormatError(`${where}.missingGoesLeft[${i}] must be a boolean`);
    if (typeof cover[i] !== 'number' || !((cover[i] as number) >= 0) || !Number.isFinite(cover[i])) throw new ModelFormatError(`${where}.cover[${i}] must be a finite number >= 0`);
    if (f === -1) {
      if (typeof value[i] !== 'number' || !Number.isFinite(value[i])) throw new ModelFormatError(`${where}.value[${i}] of a leaf must be a finite number`);
      continue;
    }
    if (typeof threshold[i] !== 'number' || Number.isNaN(threshold[i])) throw new ModelFormatError(`${where}.threshold[${i}] must be a number`);
    // Children come after their parent: no cycles, and every node is reached at most once.
    for (const [side, child] of [['left', left[i]], ['right', right[i]]] as const) {
      if (!Number.isInteger(child) || (child as number) <= i || (child as number) >= nodes) throw new ModelFormatError(`${where}.${side}[${i}] must be a node index after ${i}`);
      if (parents[child as number]! !== 0) throw new ModelFormatError(`${where}: node ${String(child)} has two parents`);
      parents[child as number] = 1;
    }
  }
  for (let i = 1; i < nodes; i++) if (parents[i] === 0) throw new ModelFormatError(`${where}: node ${i} is not reachable from the root`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ModelFormatError(`not JSON: ${(error as Error).message}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
