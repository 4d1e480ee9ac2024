// Rego highlighting for CodeMirror through legacy-modes' simple-mode: keywords, built-ins' dotted
// names, strings (raw and quoted), numbers, comments. Rego has no maintained CodeMirror 6 grammar.
import { simpleMode } from '@codemirror/legacy-modes/mode/simple-mode';

export const rego = simpleMode({
  start: [
    { regex: /#.*/, token: 'comment' },
    { regex: /"(?:[^\\"]|\\.)*"/, token: 'string' },
    { regex: /`[^`]*`/, token: 'string' },
    { regex: /\b(?:package|import|default|if|else|not|some|every|in|contains|with|as|future\.keywords)\b/, token: 'keyword' },
    { regex: /\b(?:true|false|null)\b/, token: 'atom' },
    { regex: /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/, token: 'number' },
    { regex: /:=|==|!=|<=|>=|[=<>+\-*/%|&]/, token: 'operator' },
    { regex: /\b(?:input|data)\b/, token: 'variable-2' },
    { regex: /[A-Za-z_][A-Za-z0-9_]*(?=\s*\()/, token: 'def' },
    { regex: /[A-Za-z_][A-Za-z0-9_]*/, token: 'variable' },
  ],
  languageData: { commentTokens: { line: '#' } },
});
