// Validators that turn a pattern match into a finding; they cut false positives the regexes alone would let through.

/** Luhn checksum over the digits of a candidate card number. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** A bearer credential looks random: long, mixed letters and digits, high entropy. */
export function looksLikeToken(s: string): boolean {
  return s.length >= 20 && /[A-Za-z]/.test(s) && /\d/.test(s) && entropy(s) >= 3.5;
}

export function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}
