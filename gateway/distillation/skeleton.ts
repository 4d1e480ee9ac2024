// A prompt's skeleton: its text with the variable slots of a template masked (numbers, quoted strings,
// code, URLs, e-mail addresses, identifiers), so that prompts filled from one template share most of
// their words. Pure; linear scans with no backtracking patterns.

const SLOTS: [RegExp, string][] = [
  [/```[\s\S]*?```/g, ' <code> '],
  [/https?:\/\/\S+/g, ' <url> '],
  [/[\w.+-]+@[\w-]+\.[\w.-]+/g, ' <email> '],
  [/"[^"\n]{0,200}"|“[^”\n]{0,200}”|'[^'\n]{1,200}'(?!\w)|`[^`\n]{0,200}`/g, ' <str> '],
  [/\b\w*\d[\w.,:/-]*/g, ' <num> '],
  // Identifiers in code style (snake_case, camelCase) are slot values, not template words.
  [/\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+[A-Z]\w*\b/g, ' <id> '],
];

export function skeleton(text: string): string {
  let s = text.normalize('NFKC');
  for (const [re, mask] of SLOTS) s = s.replace(re, mask);
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}<>\s]+/gu, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .join(' ');
}
