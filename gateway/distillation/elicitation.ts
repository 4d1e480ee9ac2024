// Does a prompt ask for the model's reasoning trace? Phrases that request step-by-step reasoning or a
// visible chain of thought, as distillation datasets collect them. Pure; word-boundary patterns only.

const PATTERNS = [
  /\bstep[\s-]+by[\s-]+step\b/i,
  /\bchain[\s-]+of[\s-]+thought\b/i,
  /\bshow (?:all )?(?:your|the) (?:work|reasoning|thinking|thought process)\b/i,
  /\bexplain (?:your|the) reasoning\b/i,
  /\b(?:think|reason) (?:carefully |it )?(?:through|aloud|out loud)\b/i,
  /\bwalk me through (?:your|the) (?:reasoning|thinking|steps)\b/i,
  /<\/?(?:think|thinking|reasoning)>/i,
  /\bbefore (?:you )?answer(?:ing)?,? (?:think|reason)\b/i,
  /\bfull reasoning trace\b/i,
];

export function elicitsReasoning(text: string): boolean {
  return PATTERNS.some((p) => p.test(text));
}
