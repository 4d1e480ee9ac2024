// Public model name → the provider and upstream model that serve it.
import type { Config } from '../config/types.js';
import type { ModelRoute } from '../core/contracts.js';

export class ModelRoutes {
  readonly #routes = new Map<string, ModelRoute>();
  readonly #fallbacks = new Map<string, string[]>();

  constructor(config: Pick<Config, 'providers' | 'models'>) {
    for (const [name, m] of Object.entries(config.models)) {
      this.#fallbacks.set(name, m.fallbacks ?? []);
      const provider = config.providers[m.provider];
      this.#routes.set(name, {
        name,
        providerId: m.provider,
        providerKind: provider.kind,
        // A provider not declared internal is external, whatever its kind (fail closed).
        external: provider.external !== false,
        upstreamModel: m.upstreamModel,
        revision: m.revision,
        // The configuration loader requires one of the two; an empty id is unknown to the catalogue (fail closed).
        licence: m.licence ?? provider.licence ?? '',
      });
    }
  }

  resolve(name: string): ModelRoute | null {
    return this.#routes.get(name) ?? null;
  }

  /** The models tried in order when `name`'s provider fails (the loader checked they exist). */
  fallbacks(name: string): ModelRoute[] {
    return (this.#fallbacks.get(name) ?? []).flatMap((f) => this.#routes.get(f) ?? []);
  }

  all(): ModelRoute[] {
    return [...this.#routes.values()];
  }
}
