// A prompt's skeleton: its text with the variable slots of a template masked (numbers, quoted strings,
// code, URLs, e-mail addresses, identifiers), so that prompts filled from one template share most of
// their words. Pure; linear scans with no backtracking patterns.

// Each slot with a cheap test of a character its every match holds: a slot whose test fails cannot
// match, and its scan (per word, the dearest part of the skeleton) is skipped.
export const SLOTS: [RegExp, string, RegExp][] = [
  [/```[\s\S]*?```/g, ' <code> ', /```/],
  [/https?:\/\/\S+/g, ' <url> ', /:\/\//],
  [/[\w.+-]+@[\w-]+\.[\w.-]+/g, ' <email> ', /@/],
  [/"[^"\n]{0,200}"|“[^”\n]{0,200}”|'[^'\n]{1,200}'(?!\w)|`[^`\n]{0,200}`/g, ' <str> ', /["“'`]/],
  [/\b\w*\d[\w.,:/-]*/g, ' <num> ', /\d/],
  // Identifiers in code style (snake_case, camelCase) are slot values, not template words.
  [/\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+[A-Z]\w*\b/g, ' <id> ', /[a-z]_|[a-z][A-Z]/],
];

export function skeleton(text: string): string {
  let s = text.normalize('NFKC');
  for (const [re, mask, needs] of SLOTS) if (needs.test(s)) s = s.replace(re, mask);
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}<>\s]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
