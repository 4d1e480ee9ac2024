// Every string of a JSON body, object keys included, in document order, with the path that names it
// (`tools[0].function.description`). Iterative, so a deep body cannot overflow the stack.

export interface Piece {
  /** Where the string sits; never contains the text of a key that could itself be a secret. */
  path: string;
  text: string;
  /** true when the string is an object key rather than a value. */
  key: boolean;
}

// Only keys shaped like field names (short, no digits, lower-case start, few capitals) are spelt out in a
// path: a path goes into denials and audit records, so a key that could be a credential is named by its
// position instead.
const NAMEABLE_KEY = /^[a-z_$][A-Za-z_$-]{0,39}$/;

function keySegment(key: string, ordinal: number): string {
  return NAMEABLE_KEY.test(key) && (key.match(/[A-Z]/g)?.length ?? 0) <= 4 ? `.${key}` : `[key ${ordinal}]`;
}

export function bodyPieces(body: unknown): Piece[] {
  const out: Piece[] = [];
  // Depth-first in document order: children are pushed in reverse. A key is a string the provider
  // receives like any value; it is listed just before its value.
  const stack: Frame[] = [{ value: body, path: '', key: false }];
  while (stack.length > 0) {
    const { value, path, key } = stack.pop()!;
    if (typeof value === 'string') {
      out.push({ path: key ? `${path} (object key)` : path || '(body)', text: value, key });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path}[${i}]`, key: false });
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i];
        const segment = keySegment(k, i);
        const childPath = path === '' && segment.startsWith('.') ? segment.slice(1) : path + segment;
        stack.push({ value: v, path: childPath, key: false }, { value: k, path: childPath, key: true });
      }
    }
  }
  return out;
}

interface Frame {
  value: unknown;
  path: string;
  key: boolean;
}
