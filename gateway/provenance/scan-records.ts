// What a scan looks at in a dataset. Plain text: each blank-line-separated paragraph is a record
// (so a hit points at a place in the file). JSONL: each line is a record; its text is the assistant
// contents of a chat `messages` array, or the chosen fields, or else the first of completion /
// response / output / text. Pure: the CLI feeds it lines.

export interface ScanRecord {
  /** 1-based line where the record starts. */
  line: number;
  text: string;
}

const FALLBACK_FIELDS = ['completion', 'response', 'output', 'text'];

/** Text of a string, of content parts ({type:'text', text}), or of an array of either. */
function textOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textOf);
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.text === 'string') return [v.text];
    if (v.content !== undefined) return textOf(v.content);
  }
  return [];
}

function at(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

export function textOfJsonRecord(record: unknown, fields: string[]): string {
  if (fields.length > 0) return fields.flatMap((f) => textOf(at(record, f))).join('\n\n');
  const messages = at(record, 'messages');
  if (Array.isArray(messages)) {
    return messages
      .filter((m) => m && typeof m === 'object' && (m as { role?: unknown }).role === 'assistant')
      .flatMap((m) => textOf((m as { content?: unknown }).content))
      .join('\n\n');
  }
  for (const f of FALLBACK_FIELDS) {
    const t = textOf(at(record, f));
    if (t.length > 0) return t.join('\n\n');
  }
  return '';
}

/** Groups lines into paragraphs; push every line, then end() for the last paragraph. */
export class ParagraphSplitter {
  #lines: string[] = [];
  #start = 0;
  #lineNo = 0;

  push(line: string): ScanRecord | null {
    this.#lineNo++;
    if (line.trim() === '') return this.end();
    if (this.#lines.length === 0) this.#start = this.#lineNo;
    this.#lines.push(line);
    return null;
  }

  /** The line where the paragraph being read starts (the next line when none is). */
  startLine(): number {
    return this.#lines.length > 0 ? this.#start : this.#lineNo + 1;
  }

  end(): ScanRecord | null {
    if (this.#lines.length === 0) return null;
    const record = { line: this.#start, text: this.#lines.join('\n') };
    this.#lines = [];
    return record;
  }
}
