// The classification tasks, the same inline and in the worker pool: classify the forwarded headers and body, or
// mask the named data classes in it. Pure.
import type { BodyClassification } from '../core/contracts.js';
import { scanView, summarise } from './body.js';
import { maskBody, type MaskResult } from './mask.js';

export type InspectTask =
  | { op: 'classify'; body: Record<string, unknown>; headers: Record<string, string>; decodedBytes: number }
  | { op: 'mask'; body: Record<string, unknown>; classes: string[]; decodedBytes: number; nonce: string };

export async function inspect(task: InspectTask): Promise<BodyClassification | MaskResult> {
  const limits = { decodedBytes: task.decodedBytes };
  return task.op === 'mask' ? maskBody(task.body, task.classes, limits, task.nonce) : summarise(scanView(task.headers, task.body, limits));
}
