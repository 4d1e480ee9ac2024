// Feed records signed with a running gateway's own keys as if its index had not known a restricted
// output yet (a permit signed before an index update): what the runner's second check must catch.
// Each names a decision made now (a UUIDv7, as the gateway's), after the outputs it carries were served.
import { v7 as uuidv7 } from 'uuid';
import type { TrainingExample } from '../../gateway/core/contracts.js';
import { contentDigest } from '../../gateway/core/canonical-json.js';
import { loadOrCreateSigningKeys } from '../../gateway/signing/keys.js';
import { recordIdOf, signPermits } from '../../gateway/training/permit.js';

/** One JSONL line per completion, each a batch of one, its seq numbered from `first`; licensed as qwen (trainable). */
export function presignedLines(dataDir: string, items: { prompt: string; completion: string }[], first = 1000): string[] {
  const keys = loadOrCreateSigningKeys(dataDir);
  return items.map(({ prompt, completion }, i) => {
    const n = first + i;
    const example: TrainingExample = {
      decision_id: uuidv7(),
      model: 'qwen2.5-7b-instruct',
      licence: 'qwen2.5-7b-instruct',
      licence_class: 'yes',
      attribution: [],
      naming: [],
      duties: [],
      inherited_restrictions: { forbidden_deployment_purposes: [], use_restrictions: [] },
      policy_revision: 'before-index-update',
      messages: [{ role: 'user', content: prompt }],
      completion,
      top_logprobs: null,
      time: new Date().toISOString(),
    };
    const id = recordIdOf(example.decision_id);
    const [permit] = signPermits([{ id, digest: contentDigest(example), policy_revision: example.policy_revision, licence: example.licence }], keys.keyId, keys.sign);
    return JSON.stringify({ id, seq: n, permit, example });
  });
}
