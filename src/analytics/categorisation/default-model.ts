/**
 * The committed learned fallback (model.json, written by `npm run train:categoriser`), compiled
 * once on first use.
 */
import modelFile from './model.json' with { type: 'json' };
import { compileTextClassifier, type CompiledTextClassifier, type TextClassifierModel } from './text-classifier.js';

export const DEFAULT_TEXT_MODEL = modelFile as unknown as TextClassifierModel;

let compiled: CompiledTextClassifier | undefined;

export function defaultTextClassifier(): CompiledTextClassifier {
  compiled ??= compileTextClassifier(DEFAULT_TEXT_MODEL);
  return compiled;
}
