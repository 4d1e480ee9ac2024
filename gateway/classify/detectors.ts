// The detector table: one named pattern per kind of finding, compiled once into a single alternation so
// each text is scanned in one pass. Order matters: specific formats come before the generic ones they overlap.
import { digitsOf, looksLikeToken, passesLuhn, passesVerhoeff } from './checks.js';

export interface Detector {
  /** Named group in the combined pattern. */
  name: string;
  dataClass: string;
  pattern: string;
  /** Rejects a match that has the shape but not the substance (checksum, entropy, digit count). */
  accept?: (match: string) => boolean;
}

export const detectors: Detector[] = [
  {
    name: 'privateKey',
    dataClass: 'secret.private_key',
    pattern: String.raw`-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)`,
  },
  { name: 'anthropicKey', dataClass: 'secret.api_key', pattern: String.raw`\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{20,}` },
  { name: 'openaiKey', dataClass: 'secret.api_key', pattern: String.raw`\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}` },
  { name: 'awsKey', dataClass: 'secret.api_key', pattern: String.raw`\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b` },
  { name: 'githubToken', dataClass: 'secret.api_key', pattern: String.raw`\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b` },
  { name: 'googleKey', dataClass: 'secret.api_key', pattern: String.raw`\bAIza[0-9A-Za-z_-]{35}\b` },
  { name: 'slackToken', dataClass: 'secret.token', pattern: String.raw`\bxox[abposr]-[A-Za-z0-9-]{10,}` },
  { name: 'slackWebhook', dataClass: 'secret.token', pattern: String.raw`https://hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+` },
  { name: 'jwt', dataClass: 'secret.token', pattern: String.raw`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}` },
  {
    name: 'bearer',
    dataClass: 'secret.token',
    pattern: String.raw`\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{20,}`,
    accept: (m) => looksLikeToken(m.replace(/^[Bb]earer\s+/, '')),
  },
  { name: 'email', dataClass: 'pii.email', pattern: String.raw`\b[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b` },
  {
    name: 'card',
    dataClass: 'pii.card',
    pattern: String.raw`(?<!\d|\d[.-])\d(?:[ -]?\d){12,18}(?!\d|[.-]\d)`,
    accept: (m) => passesLuhn(digitsOf(m)),
  },
  {
    name: 'usSsn',
    dataClass: 'pii.national_id',
    pattern: String.raw`(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])`,
  },
  {
    name: 'ukNino',
    dataClass: 'pii.national_id',
    pattern: String.raw`\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b`,
  },
  {
    name: 'aadhaar',
    dataClass: 'pii.national_id',
    pattern: String.raw`(?<![\w-])[2-9]\d{3}[ -]\d{4}[ -]\d{4}(?![\w-])`,
    accept: (m) => passesVerhoeff(digitsOf(m)),
  },
  {
    name: 'phone',
    dataClass: 'pii.phone',
    pattern: String.raw`(?<![\w.+/-])(?:\+\d{7,14}|(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}[ .-]\d{3,4}(?:[ .-]?\d{3,4})?)(?![\w.-]*\w)`,
    accept: (m) => {
      const n = digitsOf(m).length;
      return n >= 9 && n <= 15;
    },
  },
];

/** All detectors as one global regex; group `d<i>` holds a match of detectors[i]. */
export const combined = new RegExp(detectors.map((d, i) => `(?<d${i}>${d.pattern})`).join('|'), 'g');
