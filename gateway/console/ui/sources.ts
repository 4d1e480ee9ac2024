// The active revision and its source files, as the forms and the change screen read them.
import { call } from './api.js';
import type { ServedModel } from '../../policy/data/served-models.js';

export interface RevisionEntry {
  revision: string;
  source: string;
  activated_at: string;
  by?: string;
  reason?: string;
}

export interface PolicyStatus {
  active: RevisionEntry;
  last_error: { time: string; step: string; message: string } | null;
  history: RevisionEntry[];
  mode: 'dir' | 'bundle';
}

export interface Vocabulary {
  providers: string[];
  models: ServedModel[];
  data_classes: string[];
}

export const policyStatus = () => call<PolicyStatus>('GET', '/admin/v1/policies');
export const vocabulary = () => call<Vocabulary>('GET', '/admin/v1/policies/vocabulary');

export async function activeSources(): Promise<{ revision: string; files: Map<string, string> }> {
  const status = await policyStatus();
  const revision = status.active.revision;
  const { files } = await call<{ files: Array<{ path: string; content: string }> }>('GET', `/admin/v1/policies/revisions/${encodeURIComponent(revision)}/sources`);
  return { revision, files: new Map(files.map((f) => [f.path, f.content])) };
}
