// One classification task, the same inline and in the worker pool: scan the forwarded body and
// summarise what was found. Pure.
import type { BodyClassification } from '../pipeline/contracts.js';
import { scanBody, summarise } from './body.js';

export interface InspectTask {
  body: unknown;
  decodedBytes: number;
}

export function inspect(task: InspectTask): BodyClassification {
  return summarise(scanBody(task.body, { decodedBytes: task.decodedBytes }));
}
