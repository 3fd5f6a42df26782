/**
 * The worker side of WorkerPool: answers each request with any number of parts, then its result, or
 * with its error as plain data (class instances do not survive structured cloning).
 */
import { parentPort, type TransferListItem } from 'node:worker_threads';
import type { WorkerMessage } from './worker-pool.js';

export type SendPart<Part> = (part: Part, transfer?: readonly TransferListItem[]) => void;

export function serveTasks<Request, Part, Result>(
  handler: (request: Request, send: SendPart<Part>) => Result | Promise<Result>,
  errorData: (error: unknown) => unknown,
): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks runs in a worker thread only');
  const post = (message: WorkerMessage<Part, Result>, transfer?: readonly TransferListItem[]) => port.postMessage(message, transfer);
  port.on('message', (request: Request) => {
    void (async () => {
      try {
        const result = await handler(request, (part, transfer) => post({ type: 'part', part }, transfer));
        post({ type: 'done', result });
      } catch (error) {
        post({ type: 'fail', error: errorData(error), message: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
}
