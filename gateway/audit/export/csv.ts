// RFC 4180 fields and rows for the CSV export. Pure.

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRow(fields: string[]): string {
  return fields.map(csvField).join(',') + '\r\n';
}

/**
 * Splits one CSV row. Returns null while a quoted field is still open at the end of `line`, so the
 * caller can join the next physical line (a field that holds a line break).
 */
export function parseCsvRow(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      fields.push(line.slice(i, end));
      i = end;
    }
    if (i >= line.length) return fields;
    if (line[i] !== ',') throw new Error(`malformed CSV row near column ${i}`);
    i++;
  }
}
