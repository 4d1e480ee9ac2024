// An optional external detector (a Presidio-compatible analyzer: POST /analyze {text, language} →
// [{entity_type, start, end, score}]) for what patterns cannot find, such as names and addresses.
// Off unless configured. When it fails or times out, each data class it reports follows its own
// setting: fail-closed classes are taken as present (the policy then refuses or masks where it would
// for a real finding), fail-open classes as absent.
import { request, type Dispatcher } from 'undici';
import type { DetectorConfig } from '../config/types.js';
import type { BodyClassification } from '../core/contracts.js';
import type { Piece } from './walk.js';
import { lastAtOrBefore } from './offsets.js';
import { readBounded } from '../core/bounded-body.js';

interface AnalyzerResult {
  entity_type: string;
  start: number;
  end: number;
  score: number;
}

export const DETECTOR_UNAVAILABLE = '(external detector unavailable)';

export class DetectorHook {
  constructor(
    private readonly config: DetectorConfig,
    /** How the analyzer is reached (the egress proxy rules; NO_PROXY for an in-cluster one); undici's default when absent. */
    private readonly dispatcher?: Dispatcher,
  ) {}

  /** Whether this detector can report the class (then only it knows where that class is). */
  reports(dataClass: string): boolean {
    return Object.values(this.config.entities).includes(dataClass) || this.config.failClosed.includes(dataClass);
  }

  /** Classes, counts and paths the analyzer finds in the body's values (keys are left to the patterns). */
  async classify(pieces: readonly Piece[]): Promise<BodyClassification> {
    const values = pieces.filter((p) => !p.key && /\p{L}/u.test(p.text));
    // One call for the whole body: values joined by newlines, offsets mapped back.
    const starts: number[] = [];
    let text = '';
    for (const p of values) {
      starts.push(text.length);
      text += p.text + '\n';
    }
    const found = new BodyFindingsBuilder();
    if (values.length === 0) return found.result();
    let results: AnalyzerResult[];
    try {
      results = await this.#analyze(text);
    } catch {
      for (const dataClass of this.config.failClosed) found.add(dataClass, DETECTOR_UNAVAILABLE);
      return found.result();
    }
    const toUnits = codePointToUnitOffsets(text);
    for (const r of results) {
      const dataClass = this.config.entities[r.entity_type];
      if (!dataClass || r.score < this.config.scoreThreshold) continue;
      const start = toUnits(r.start);
      found.add(dataClass, values[lastAtOrBefore(starts, start)].path);
    }
    return found.result();
  }

  async #analyze(text: string): Promise<AnalyzerResult[]> {
    const res = await request(new URL('analyze', this.config.url.endsWith('/') ? this.config.url : this.config.url + '/'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, language: this.config.language, entities: Object.keys(this.config.entities), score_threshold: this.config.scoreThreshold }),
      headersTimeout: this.config.timeoutMs,
      bodyTimeout: this.config.timeoutMs,
      signal: AbortSignal.timeout(this.config.timeoutMs),
      dispatcher: this.dispatcher,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`external detector answered ${res.statusCode}`);
    }
    const tooLong = () => new Error(`external detector answered more than detector.maxAnswerBytes (${this.config.maxAnswerBytes} bytes)`);
    const json = JSON.parse((await readBounded(res.body, this.config.maxAnswerBytes, tooLong)).toString('utf8')) as unknown;
    if (!Array.isArray(json)) throw new Error('external detector answered something other than a list of results');
    return json.filter((r): r is AnalyzerResult => typeof r?.entity_type === 'string' && Number.isInteger(r.start) && typeof r.score === 'number');
  }
}

class BodyFindingsBuilder {
  readonly #counts: Record<string, number> = {};
  readonly #paths: Record<string, string[]> = {};

  add(dataClass: string, path: string): void {
    this.#counts[dataClass] = (this.#counts[dataClass] ?? 0) + 1;
    const at = (this.#paths[dataClass] ??= []);
    if (!at.includes(path)) at.push(path);
  }

  result(): BodyClassification {
    return { classes: Object.keys(this.#counts).sort(), counts: this.#counts, paths: this.#paths };
  }
}

/** Presidio counts offsets in code points (Python strings); JavaScript strings count UTF-16 units. */
function codePointToUnitOffsets(text: string): (cp: number) => number {
  if (!/[\uD800-\uDFFF]/.test(text)) return (cp) => cp;
  const units: number[] = [];
  let u = 0;
  for (const ch of text) {
    units.push(u);
    u += ch.length;
  }
  units.push(u);
  return (cp) => units[Math.min(cp, units.length - 1)];
}
