// Decides what the model "says" for a prompt: prose (with code when asked), JSON for JSON mode, or
// a tool call when tools are offered and the prompt asks for one. Pure: same prompt, same answer.
import { codeSample, languageFor, wantsCode } from './code-sample.js';
import { sampleJson } from './json-sample.js';
import { composeProse, plainWords } from './prose.js';
import { PARAPHRASE_DIRECTIVE, paraphrase } from './paraphrase.js';
import type { Prompt, ToolSpec } from './prompt.js';
import { pick, rngFrom, seedOf, type Rng } from './rng.js';
import { estimateTokens, truncateToTokens } from './tokens.js';

export interface ToolCall {
  /** Unique suffix; each dialect adds its own prefix (call_, toolu_, fc_). */
  id: string;
  name: string;
  /** JSON text of the arguments. */
  arguments: string;
}

export interface Answer {
  text: string;
  /** A short sentence before the tool call, as Anthropic models usually write one. */
  preamble: string;
  toolCalls: ToolCall[];
  /** Chain of thought: for reasoning models served like vLLM serves DeepSeek-R1, and Anthropic extended thinking. */
  reasoning?: string;
  finish: 'stop' | 'tool_calls' | 'length';
}

const REASONING_WORDS = 30;
const QUOTE_DIRECTIVE = /\bmock:quote\b([\s\S]*)$/;
const ANY_DIRECTIVE = /\bmock:[a-z-]+(?:=\d+)?/g;

export function planAnswer(prompt: Prompt, sentences: readonly string[], words?: number): Answer {
  const seed = seedOf(prompt.model, prompt.seed);
  const rng = rngFrom(seed);
  const tool = chosenTool(prompt);
  if (tool) {
    const phrase = phraseSource(rng, prompt.lastUserText, sentences);
    return {
      text: '',
      preamble: `I'll use the ${tool.name} tool to answer that.`,
      toolCalls: [{ id: seed.toString(16).padStart(8, '0') + Math.floor(rng() * 1e9).toString(36), name: tool.name, arguments: JSON.stringify(sampleJson(tool.parameters, rng, phrase)) }],
      finish: 'tool_calls',
    };
  }
  const reasoning = prompt.thinking || /deepseek[-.]r1|reasoner/i.test(prompt.model) ? composeProse(rng, sentences, REASONING_WORDS) : undefined;
  let text = bodyText(prompt, rng, sentences, words);
  let finish: Answer['finish'] = 'stop';
  if (prompt.maxTokens !== undefined && estimateTokens(text) > prompt.maxTokens) {
    text = truncateToTokens(text, prompt.maxTokens);
    finish = 'length';
  }
  return { text, preamble: '', toolCalls: [], reasoning, finish };
}

function bodyText(prompt: Prompt, rng: Rng, sentences: readonly string[], words?: number): string {
  const { format } = prompt;
  // The teacher asked to rewrite: the last user message, less the directive and a leading "Rewrite …:".
  if (prompt.lastUserText.match(PARAPHRASE_DIRECTIVE)) return paraphrase(prompt.lastUserText.replace(PARAPHRASE_DIRECTIVE, '').replace(/^\s*(?:rewrite|paraphrase)[^:\n]{0,80}:\s*/i, '').trim());
  // A model quoting what it was given (a licence, a speech) after its own words: the text after `mock:quote`.
  const quoted = QUOTE_DIRECTIVE.exec(prompt.lastUserText);
  if (quoted) return `${composeProse(rng, sentences, words)}\n\n${quoted[1].replace(ANY_DIRECTIVE, '').trim()}`;
  if (format.kind === 'json_schema') return JSON.stringify(sampleJson(format.schema, rng, phraseSource(rng, '', sentences)));
  if (format.kind === 'json_object') return JSON.stringify({ answer: composeProse(rng, sentences, words) });
  if (!wantsCode(prompt.lastUserText)) return composeProse(rng, sentences, words);
  const intro = composeProse(rng, sentences, words === undefined ? undefined : Math.ceil(words / 2), { min: 25, max: 50 });
  const outro = composeProse(rng, sentences, words === undefined ? undefined : Math.floor(words / 2) || 1, { min: 15, max: 40 });
  const vocabulary = plainWords(intro);
  const code = codeSample(rng, languageFor(prompt.lastUserText), vocabulary.length > 0 ? vocabulary : ['record']);
  return `${intro}\n\nThe \`${code.inline}\` below shows one way to do it.\n\n\`\`\`${code.language}\n${code.block}\n\`\`\`\n\n${outro}`;
}

function chosenTool(prompt: Prompt): ToolSpec | undefined {
  const { tools, toolChoice, lastUserText } = prompt;
  if (tools.length === 0 || toolChoice.mode === 'none' || prompt.answeringToolResult) return undefined;
  if (toolChoice.mode === 'named') return tools.find((t) => t.name === toolChoice.name) ?? tools[0];
  const mentioned = tools.find((t) => lastUserText.includes(t.name));
  if (toolChoice.mode === 'required') return mentioned ?? tools[0];
  if (mentioned || /\b(use|call|invoke|run)\b[^.?!]*\b(tools?|functions?)\b/i.test(lastUserText)) return mentioned ?? tools[0];
  return undefined;
}

/** String values for tool arguments and JSON fields: the prompt's names first, then corpus phrases. */
function phraseSource(rng: Rng, userText: string, sentences: readonly string[]): () => string {
  const names = (userText.match(/\b[A-Z][a-z]{2,}(?: [A-Z][a-z]{2,})*\b/g) ?? []).filter((w) => !/^(Use|Call|What|How|Please|The|Invoke|Run|Give|Tell)$/.test(w));
  return () => {
    const name = names.shift();
    if (name !== undefined) return name;
    const sentence = pick(rng, sentences);
    return sentence.split(' ').slice(0, 4 + Math.floor(rng() * 6)).join(' ').replace(/[,;:]$/, '');
  };
}
