// The public reference corpus (issue 22, #3): text that is common because it is public, decided by
// a corpus shipped with the gateway, never by how often served outputs repeat. The texts of the
// licences outputs quote most (the `spdx-license-list` package, CC0-1.0: SPDX's licence texts). A
// shingle or loose pair of these texts is never attributed to a served output, and a stretch that
// quotes one is reported as that public source. Built once, on first use (about 40,000 words).
import { createRequire } from 'node:module';
import { fingerprintWords, loosePairsAt, shingleHashesAt } from './fingerprint.js';

interface SpdxLicence {
  name: string;
  licenseText: string;
}

/** The licences most quoted in code and answers: permissive, copyleft, public-domain dedications, Creative Commons. */
export const PUBLIC_SOURCES = ['MIT', 'Apache-2.0', 'GPL-2.0-only', 'GPL-3.0-only', 'LGPL-2.1-only', 'LGPL-3.0-only', 'AGPL-3.0-only', 'BSD-2-Clause', 'BSD-3-Clause', 'MPL-2.0', 'ISC', 'Unlicense', 'CC0-1.0', 'CC-BY-4.0', 'CC-BY-SA-4.0', 'EPL-2.0', 'Zlib', 'BSL-1.0', '0BSD', 'Artistic-2.0', 'WTFPL'];

export interface PublicReference {
  /** Word-shingle hash → index into `sources` of the first source holding it. */
  shingles: Map<number, number>;
  loose: Set<number>;
  /** "MIT License (SPDX MIT)". */
  sources: string[];
}

let built: PublicReference | null = null;

export function publicReference(): PublicReference {
  if (built) return built;
  const licences = createRequire(import.meta.url)('spdx-license-list/full') as Record<string, SpdxLicence>;
  const reference: PublicReference = { shingles: new Map(), loose: new Set(), sources: [] };
  for (const id of PUBLIC_SOURCES) {
    const licence = licences[id];
    if (!licence) continue;
    const source = reference.sources.push(`${licence.name} (SPDX ${id})`) - 1;
    const words = fingerprintWords(licence.licenseText);
    for (const h of shingleHashesAt(words)) if (!reference.shingles.has(h)) reference.shingles.set(h, source);
    for (const h of loosePairsAt(words).hashes) reference.loose.add(h);
  }
  built = reference;
  return built;
}
