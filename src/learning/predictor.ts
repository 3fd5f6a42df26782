/**
 * Serving a tree ensemble from its JSON alone: raw output, probability, exact TreeSHAP
 * contributions, and a column-wise batch path. Imports no training code.
 */
import { expectedValue, flattenTrees, leafOf, type FlatTrees } from './flat-trees.js';
import type { ModelPredictor, TreeEnsembleJson } from './model-format.js';
import { TreeShapWorkspace, treeShap } from './tree-shap.js';

export class TreeEnsemblePredictor implements ModelPredictor {
  readonly featureNames: readonly string[];
  readonly outputSpace: 'log-odds' | 'probability';
  readonly kind: TreeEnsembleJson['kind'];
  private readonly flat: FlatTrees;
  private readonly baseScore: number;
  /** Boosting adds trees (1); a forest averages them (1 / trees). */
  private readonly treeScale: number;
  private readonly expectedOutput: number;
  private readonly workspace: TreeShapWorkspace;

  constructor(model: TreeEnsembleJson) {
    this.featureNames = [...model.featureNames];
    this.outputSpace = model.outputSpace;
    this.kind = model.kind;
    this.flat = flattenTrees(model.trees);
    this.baseScore = model.baseScore;
    this.treeScale = model.kind === 'random-forest' ? (model.trees.length > 0 ? 1 / model.trees.length : 0) : 1;
    let expected = 0;
    for (let t = 0; t < this.flat.roots.length; t++) expected += expectedValue(this.flat, this.flat.roots[t]!);
    this.expectedOutput = this.baseScore + expected * this.treeScale;
    this.workspace = new TreeShapWorkspace(this.flat.maxDepth);
  }

  get treeCount(): number {
    return this.flat.roots.length;
  }

  predictRaw(row: ArrayLike<number>): number {
    this.checkRow(row);
    const { roots, value } = this.flat;
    let sum = 0;
    for (let t = 0; t < roots.length; t++) sum += value[leafOf(this.flat, roots[t]!, row)]!;
    return this.baseScore + sum * this.treeScale;
  }

  predictProbability(row: ArrayLike<number>): number {
    return this.toProbability(this.predictRaw(row));
  }

  contributions(row: ArrayLike<number>): { base: number; values: Float64Array } {
    this.checkRow(row);
    const values = new Float64Array(this.featureNames.length);
    const { roots } = this.flat;
    for (let t = 0; t < roots.length; t++) treeShap(this.flat, roots[t]!, row, values, this.treeScale, this.workspace);
    return { base: this.expectedOutput, values };
  }

  /**
   * Probabilities for many rows given column-wise (columns[f][row]): trees in the outer loop, rows
   * inside, so one tree's nodes stay in cache while every row walks it.
   */
  predictColumns(columns: readonly Float64Array[]): Float64Array {
    if (columns.length !== this.featureNames.length) throw new RangeError(`${columns.length} columns for a model of ${this.featureNames.length} features`);
    const rowCount = columns.length > 0 ? columns[0]!.length : 0;
    for (const column of columns) if (column.length !== rowCount) throw new RangeError('columns differ in length');
    const raw = new Float64Array(rowCount);
    const { roots, feature, threshold, missingGoesLeft, left, right, value } = this.flat;
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t]!;
      for (let i = 0; i < rowCount; i++) {
        let node = root;
        let f = feature[node]!;
        while (f >= 0) {
          const x = columns[f]![i]!;
          const goLeft = x !== x ? missingGoesLeft[node] === 1 : x <= threshold[node]!;
          node = goLeft ? left[node]! : right[node]!;
          f = feature[node]!;
        }
        raw[i] = raw[i]! + value[node]!;
      }
    }
    for (let i = 0; i < rowCount; i++) raw[i] = this.toProbability(this.baseScore + raw[i]! * this.treeScale);
    return raw;
  }

  private toProbability(raw: number): number {
    if (this.outputSpace === 'log-odds') return 1 / (1 + Math.exp(-raw));
    return raw < 0 ? 0 : raw > 1 ? 1 : raw;
  }

  private checkRow(row: ArrayLike<number>): void {
    if (row.length !== this.featureNames.length) throw new RangeError(`a row of ${row.length} values for a model of ${this.featureNames.length} features`);
  }
}
