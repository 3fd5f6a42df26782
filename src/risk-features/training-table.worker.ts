/**
 * The training-table worker's entry: computes the feature rows of a chunk of debtors (parse, categorise
 * once, features per as-of date) and hands them back as one transferred buffer.
 */
import { serveTasks } from '../platform/workers/worker-task.js';
import { BankFileUnreadable, debtorRows } from './debtor-rows.js';
import type { RowsChunkError, RowsChunkRequest, RowsChunkResult } from './training-table.js';

serveTasks<RowsChunkRequest, never, RowsChunkResult>(
  (request) => {
    const parts = request.debtors.map((debtor) => debtorRows(debtor, request.featureSet, request.featureNames));
    const total = parts.reduce((a, p) => a + p.length, 0);
    const values = new Float64Array(total);
    let offset = 0;
    for (const part of parts) {
      values.set(part, offset);
      offset += part.length;
    }
    return { chunk: request.chunk, values };
  },
  (error): RowsChunkError | null => (error instanceof BankFileUnreadable ? { file: error.file, reason: error.reason } : null),
);
