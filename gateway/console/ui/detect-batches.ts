// A provenance check split into requests the detect route takes.
// The detect route's bounds per request (provenance/routes.ts; a value, not an import: browser code).
const BATCH = 1000;
const BATCH_BYTES = 1024 * 1024;

/** Consecutive slices of `texts` within both bounds (a single text past the bytes is sent alone and refused by name). */
export function batches(texts: string[]): string[][] {
  const out: string[][] = [];
  const encoder = new TextEncoder();
  let current: string[] = [];
  let bytes = 0;
  for (const text of texts) {
    const size = encoder.encode(text).length;
    if (current.length > 0 && (current.length === BATCH || bytes + size > BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(text);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
