// A served model against the catalogue entry it names: does the entry cover what is actually called (the
// provider, the repository id or one of its aliases, the pinned revision)? The same findings serve the check of
// the example configurations and the console's licence screen. Pure and free of Node APIs: the console bundles it.
import type { Catalogue } from './catalogue-schema.js';

/** What the gateway serves under a public model name, as the policy vocabulary lists it. */
export interface ServedModel {
  name: string;
  provider: string;
  /** The provider's kind (e.g. "bedrock"); a cloud's terms and a checkpoint's hosted ids are matched by it. */
  provider_kind: string;
  external: boolean;
  upstream_model: string;
  /** The checkpoint commit the configuration pins, or "" when it pins none. */
  revision: string;
  licence: string;
}

/** A checkpoint entry covers a served model id when it is the entry's model_id or one of its aliases. */
export function coversModelId(subject: { model_id: string; aliases?: string[] }, served: string): boolean {
  return subject.model_id === served || (subject.aliases ?? []).includes(served);
}

/** A checkpoint entry covers a model a cloud serves under one of the ids it lists for that provider kind. */
export function hostedBy(subject: { hosted?: Partial<Record<string, string[]>> }, providerKind: string, served: string): boolean {
  return (subject.hosted?.[providerKind] ?? []).includes(served);
}

/** A served revision is the pinned one when either is an abbreviation (7+ hex digits) of the other. */
export function sameRevision(pinned: string, served: string): boolean {
  if (pinned === 'unpinned') return true;
  if (served.length < 7) return false;
  return served.startsWith(pinned) || pinned.startsWith(served);
}

/** Served models the catalogue does not cover, one sentence each, starting with the model's name. */
export function servedFindings(models: ServedModel[], catalogue: Catalogue): string[] {
  const problems: string[] = [];
  for (const m of models) {
    const entry = catalogue.licences[m.licence];
    const subject = entry?.subject;
    if (!subject) problems.push(`${m.name}: licence ${m.licence || '(none)'} is not in the catalogue`);
    else if (subject.kind === 'provider-api' && !m.external) problems.push(`${m.name}: ${m.licence} is a provider's terms, but the model is self-hosted`);
    else if (subject.kind === 'provider-api' && subject.provider_kind !== undefined) {
      if (subject.provider_kind !== m.provider_kind) problems.push(`${m.name}: ${m.licence} covers providers of kind ${subject.provider_kind}, but the model is served by provider "${m.provider}" of kind ${m.provider_kind}`);
    } else if (subject.kind === 'provider-api' && subject.provider !== m.provider) {
      problems.push(`${m.name}: ${m.licence} is ${subject.provider}'s terms, but the model is served by provider "${m.provider}"`);
    } else if (subject.kind === 'checkpoint' && !coversModelId(subject, m.upstream_model) && !hostedBy(subject, m.provider_kind, m.upstream_model)) {
      problems.push(`${m.name}: ${m.licence} covers ${subject.model_id}, not ${m.upstream_model}`);
    } else if (subject.kind === 'checkpoint' && !sameRevision(subject.revision, m.revision)) {
      problems.push(`${m.name}: ${m.licence} covers revision ${subject.revision}, not ${m.revision || '(unpinned)'}`);
    }
  }
  return problems;
}
