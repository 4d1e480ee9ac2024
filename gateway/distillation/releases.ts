// Model version changes seen in traffic: a model name whose upstream model or pinned revision changes
// has a new release; calls within a day after it count toward a release surge. Bounded by the
// configured models.

export const SURGE_WINDOW_MS = 24 * 3600_000;

export class Releases {
  readonly #models = new Map<string, { version: string; changedAt: number | null }>();

  /** Notes the version a call was served by; true when the call falls within a day of a version change. */
  note(model: string, version: string, time: number): boolean {
    const seen = this.#models.get(model);
    if (!seen) {
      // The first version seen is where watching began, not a release.
      this.#models.set(model, { version, changedAt: null });
      return false;
    }
    if (seen.version !== version) {
      seen.version = version;
      seen.changedAt = time;
    }
    return seen.changedAt !== null && time - seen.changedAt < SURGE_WINDOW_MS;
  }
}
