// Training records of 1 KB cut from unrelated texts joined end to end: what the admission benchmarks time.
export function kilobyteRecords(texts: string[], count: number): string[] {
  const records: string[] = [];
  for (let i = 0, text = ''; records.length < count && i < texts.length; i++) {
    text += `${texts[i]} `;
    if (text.length >= 1024) {
      records.push(text.slice(0, 1024));
      text = '';
    }
  }
  return records;
}
