// The rules as code, for engineers: CodeMirror 6 with Rego highlighting over the active revision's
// files. Saving puts the file into the same draft the forms use.
import { basicSetup, EditorView } from 'codemirror';
import { StreamLanguage } from '@codemirror/language';
import { can } from './api.js';
import { clear, field, h } from './dom.js';
import { currentFile, setDraftFile } from './draft.js';
import { rego } from './rego-mode.js';
import { activeSources } from './sources.js';
import { announce } from './status.js';

export async function renderRego(main: HTMLElement): Promise<void> {
  const { revision, files } = await activeSources();
  const paths = [...files.keys()].sort();
  const picker = h('select', {}, paths.map((p) => h('option', { value: p }, p)));
  const host = h('div', { class: 'editor' });
  // In a shadow root CodeMirror's styles are constructed stylesheets, not inline <style> elements,
  // so the page keeps its strict style-src.
  const shadow = host.attachShadow({ mode: 'open' });
  let view: EditorView | null = null;
  const open = () => {
    view?.destroy();
    const path = picker.value;
    view = new EditorView({
      doc: currentFile(path, files) ?? '',
      extensions: [basicSetup, StreamLanguage.define(rego), EditorView.contentAttributes.of({ 'aria-label': `Source of ${path}` }), EditorView.editable.of(can.edit())],
      root: shadow,
      parent: shadow,
    });
  };
  picker.addEventListener('change', open);
  const save = h('button', {
    type: 'button',
    id: 'save-rego',
    onclick: () => {
      setDraftFile(revision, picker.value, files.get(picker.value), view!.state.doc.toString());
      announce(`${picker.value} is in your draft. Review it under Changes.`, 'ok');
    },
  }, 'Put this file in my draft');
  clear(
    main,
    h('h1', {}, 'Rego'),
    h('p', {}, 'The rules as code, for engineers. The common edits are forms under ', h('a', { href: '#/rules' }, 'Company rules'), ' and ', h('a', { href: '#/licences' }, 'Licences'), '.'),
    field('File', picker),
    host,
    can.edit() ? h('p', {}, save, ' ', h('a', { href: '#/changes' }, 'Review the draft')) : null,
  );
  open();
}
