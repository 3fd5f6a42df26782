/**
 * Pieces both ensemble trainers share: option checks, row weights with class weights, the
 * histogram builder choice, and turning a grown (binned) tree into its stored JSON form.
 */
import { availableParallelism } from 'node:os';
import { rawThreshold, type BinMapper } from './binning.js';
import type { Dataset } from './dataset.js';
import type { TreeJson } from './model-format.js';
import type { GrownTree } from './tree-grower.js';

export interface ClassWeights {
  negative: number;
  positive: number;
}

export function defaultThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

export class TrainingOptionError extends RangeError {
  override name = 'TrainingOptionError';
}

export function requireNumber(name: string, value: number, min: number, max: number, integer = false): void {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new TrainingOptionError(`${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${String(value)}`);
  }
}

export function checkClassWeights(weights: ClassWeights | null): void {
  if (weights === null) return;
  if (!(weights.negative > 0 && weights.positive > 0 && Number.isFinite(weights.negative) && Number.isFinite(weights.positive))) {
    throw new TrainingOptionError('classWeights must be positive finite numbers');
  }
}

/** w_i = row weight × class weight of its label. */
export function rowWeights(data: Dataset, classWeights: ClassWeights | null): Float64Array {
  const w = new Float64Array(data.rowCount);
  const neg = classWeights?.negative ?? 1;
  const pos = classWeights?.positive ?? 1;
  for (let i = 0; i < data.rowCount; i++) {
    const base = data.weights ? data.weights[i]! : 1;
    if (!(base >= 0) || !Number.isFinite(base)) throw new TrainingOptionError(`row ${i} has weight ${base}; weights must be finite and >= 0`);
    w[i] = base * (data.labels[i] === 1 ? pos : neg);
  }
  return w;
}

export function treeToJson(tree: GrownTree, mapper: BinMapper): TreeJson {
  return {
    feature: tree.feature.slice(),
    threshold: tree.feature.map((f, node) => (f < 0 ? 0 : rawThreshold(mapper, f, tree.bin[node]!))),
    missingGoesLeft: tree.missingGoesLeft.slice(),
    left: tree.left.slice(),
    right: tree.right.slice(),
    value: tree.value.slice(),
    cover: tree.cover.slice(),
  };
}

/** Lets other work on the event loop run between trees (training is long; a server stays responsive). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
