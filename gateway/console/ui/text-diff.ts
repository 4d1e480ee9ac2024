// A side-by-side line diff of one file (jsdiff computes it): removed lines on the left, added on the
// right, unchanged context between. Marked with words as well as colour.
import { diffLines } from 'diff';
import { h } from './dom.js';

export function sideBySide(path: string, before: string, after: string): HTMLTableElement {
  const rows: HTMLTableRowElement[] = [];
  let left = 1;
  let right = 1;
  const cell = (n: number | '', text: string, cls: string, label: string) => [
    h('td', { class: 'ln' }, n),
    h('td', { class: cls }, label ? h('span', { class: 'sr-only' }, label) : null, text),
  ];
  const parts = diffLines(before, after);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const lines = p.value.replace(/\n$/, '').split('\n');
    if (p.removed && parts[i + 1]?.added) {
      const added = parts[++i].value.replace(/\n$/, '').split('\n');
      for (let j = 0; j < Math.max(lines.length, added.length); j++) {
        rows.push(h('tr', {}, ...(j < lines.length ? cell(left++, lines[j], 'del', 'removed: ') : cell('', '', 'empty', '')), ...(j < added.length ? cell(right++, added[j], 'ins', 'added: ') : cell('', '', 'empty', ''))));
      }
    } else if (p.removed) {
      for (const l of lines) rows.push(h('tr', {}, ...cell(left++, l, 'del', 'removed: '), ...cell('', '', 'empty', '')));
    } else if (p.added) {
      for (const l of lines) rows.push(h('tr', {}, ...cell('', '', 'empty', ''), ...cell(right++, l, 'ins', 'added: ')));
    } else {
      // Long unchanged runs keep three lines of context on each side.
      const keep = (k: number) => k < 3 || k >= lines.length - 3;
      lines.forEach((l, k) => {
        if (keep(k)) rows.push(h('tr', {}, ...cell(left, l, 'same', ''), ...cell(right, l, 'same', '')));
        else if (k === 3) rows.push(h('tr', {}, h('td', { colspan: 4, class: 'skip-lines' }, `… ${lines.length - 6} unchanged lines …`)));
        left++;
        right++;
      });
    }
  }
  return h(
    'table',
    { class: 'diff' },
    h('caption', {}, `${path}: before and after`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'line'), h('th', { scope: 'col' }, 'Before'), h('th', { scope: 'col' }, 'line'), h('th', { scope: 'col' }, 'After'))),
    h('tbody', {}, rows),
  );
}
