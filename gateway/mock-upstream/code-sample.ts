// Code for answers to prompts that ask for code: a fenced block plus an inline mention, so that
// downstream stages which must leave code untouched (the watermark) have something to skip.
import { pick, type Rng } from './rng.js';

export type CodeLanguage = 'python' | 'typescript' | 'sql' | 'bash';

export interface CodeSample {
  language: CodeLanguage;
  /** A name the prose refers to in backticks. */
  inline: string;
  block: string;
}

export function wantsCode(prompt: string): boolean {
  return /\b(code|function|script|program|snippet|implement\w*|python|typescript|javascript|sql|query|bash|shell)\b/i.test(prompt);
}

export function languageFor(prompt: string): CodeLanguage {
  if (/\b(typescript|javascript|node|ts|js)\b/i.test(prompt)) return 'typescript';
  if (/\b(sql|query|database|table)\b/i.test(prompt)) return 'sql';
  if (/\b(bash|shell|command line|terminal)\b/i.test(prompt)) return 'bash';
  return 'python';
}

/** vocabulary: plain lower-case words to build identifiers from (at least one). */
export function codeSample(rng: Rng, language: CodeLanguage, vocabulary: readonly string[]): CodeSample {
  const a = pick(rng, vocabulary);
  const b = pick(rng, vocabulary);
  const camel = a + b[0].toUpperCase() + b.slice(1);
  switch (language) {
    case 'python':
      return {
        language,
        inline: `${a}_${b}()`,
        block: [
          `def ${a}_${b}(records):`,
          `    """Return the records whose ${a} mentions ${b}, newest first."""`,
          `    matches = [r for r in records if "${b}" in r.get("${a}", "")]`,
          `    return sorted(matches, key=lambda r: r["year"], reverse=True)`,
        ].join('\n'),
      };
    case 'typescript':
      return {
        language,
        inline: `${camel}()`,
        block: [
          `export function ${camel}(records: { ${a}: string; year: number }[]): string[] {`,
          `  return records`,
          `    .filter((r) => r.${a}.includes('${b}'))`,
          `    .sort((x, y) => y.year - x.year)`,
          `    .map((r) => r.${a});`,
          `}`,
        ].join('\n'),
      };
    case 'sql':
      return {
        language,
        inline: `${a}_${b}`,
        block: [`SELECT ${a}, COUNT(*) AS ${a}_${b}`, `FROM ${b}s`, `GROUP BY ${a}`, `ORDER BY ${a}_${b} DESC`, `LIMIT 10;`].join('\n'),
      };
    case 'bash':
      return {
        language,
        inline: `grep -ril ${b}`,
        block: [`#!/usr/bin/env bash`, `set -euo pipefail`, `grep -ril "${b}" ./${a} | sort | head -n 10`].join('\n'),
      };
  }
}
