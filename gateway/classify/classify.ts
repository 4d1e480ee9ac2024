// Pure, deterministic detection of personal data and secrets in request content. Detectors report data
// classes; the policy decides what they mean.
import { combined, detectors } from './detectors.js';

export interface Finding {
  dataClass: string;
  /** The detector that found it (awsAccessKey, email, …). */
  kind: string;
  start: number;
  end: number;
}

/** Every accepted finding in one text, in order, non-overlapping. */
export function findings(text: string): Finding[] {
  const out: Finding[] = [];
  // matchAll clones the shared regex, so concurrent scans never share lastIndex.
  for (const m of text.matchAll(combined)) {
    const groups = m.groups!;
    for (let i = 0; i < detectors.length; i++) {
      const hit = groups[`d${i}`];
      if (hit === undefined) continue;
      const d = detectors[i];
      if (!d.accept || d.accept(hit)) out.push({ dataClass: d.dataClass, kind: d.name, start: m.index!, end: m.index! + hit.length });
      break;
    }
  }
  return out;
}

/** Replaces findings of the given classes with `[REDACTED:<class>]`, for the 'redacted' logging obligation. */
export function redact(text: string, classes: readonly string[]): string {
  const wanted = new Set(classes);
  let out = '';
  let last = 0;
  for (const f of findings(text)) {
    if (!wanted.has(f.dataClass)) continue;
    out += text.slice(last, f.start) + `[REDACTED:${f.dataClass}]`;
    last = f.end;
  }
  return out + text.slice(last);
}
