// The pure answer-building parts: prose, JSON sampling, tool choice, token estimates.
import t from 'tap';
import { planAnswer } from './answer.js';
import { corpusSentences } from './corpus.js';
import { sampleJson } from './json-sample.js';
import { composeProse } from './prose.js';
import type { Prompt } from './prompt.js';
import { rngFrom } from './rng.js';
import { splitSentences } from './sentences.js';
import { estimateTokens, splitChunks, truncateToTokens } from './tokens.js';

const sentences = corpusSentences();

const prompt = (over: Partial<Prompt> = {}): Prompt => ({
  model: 'm',
  seed: 'seed',
  lastUserText: 'hello',
  inputText: 'hello',
  tools: [],
  toolChoice: { mode: 'auto' },
  format: { kind: 'text' },
  answeringToolResult: false,
  ...over,
});

t.test('the corpus is real sentences', async (t) => {
  t.ok(sentences.length > 3000); // thirteen addresses (corpus/sotu.json): 3,651 sentences
  t.ok(sentences.every((s) => /^[A-Z].*[.!?]$/.test(s)));
  t.same(splitSentences('Too short. (Applause.) This one is a proper sentence of some length. ALL CAPS HEADER Then text runs on here.'), [
    'This one is a proper sentence of some length.',
  ]);
});

t.test('prose: default length range, exact length on request, seeded', async (t) => {
  for (let seed = 1; seed < 30; seed++) {
    const words = composeProse(rngFrom(seed), sentences).split(/\s+/).length;
    t.ok(words >= 60 && words <= 120 + 40, `seed ${seed}: ${words} words`);
  }
  t.equal(composeProse(rngFrom(7), sentences, 33).split(/\s+/).length, 33);
  t.equal(composeProse(rngFrom(7), sentences), composeProse(rngFrom(7), sentences));
  t.not(composeProse(rngFrom(7), sentences), composeProse(rngFrom(8), sentences));
});

t.test('chunks and token estimates agree', async (t) => {
  const text = 'One two three.\n\nFour five';
  t.same(splitChunks(text), ['One', ' two', ' three.', '\n\nFour', ' five']);
  t.equal(splitChunks(text).join(''), text);
  t.equal(estimateTokens(text), Math.round(5 * 1.3));
  t.equal(estimateTokens(''), 0);
  t.equal(truncateToTokens(text, 4), 'One two three.');
});

t.test('JSON sampling follows the schema', async (t) => {
  const schema = {
    type: 'object',
    $defs: { colour: { type: 'string', enum: ['red', 'green'] } },
    properties: {
      name: { type: 'string' },
      colour: { $ref: '#/$defs/colour' },
      size: { type: ['integer', 'null'], minimum: 3, maximum: 5 },
      when: { type: 'string', format: 'date-time' },
      nested: { type: 'object', properties: { flag: { type: 'boolean' } }, required: ['flag'] },
      pick: { anyOf: [{ type: 'null' }, { type: 'number', minimum: 10, maximum: 10 }] },
      fixed: { const: 'x' },
      list: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 },
    },
    required: ['name', 'colour'],
  };
  const value = sampleJson(schema, rngFrom(3), () => 'a phrase') as Record<string, unknown>;
  t.equal(value.name, 'a phrase');
  t.ok(['red', 'green'].includes(value.colour as string));
  t.ok((value.size as number) >= 3 && (value.size as number) <= 5);
  t.ok(!Number.isNaN(Date.parse(value.when as string)));
  t.type((value.nested as { flag: unknown }).flag, 'boolean');
  t.equal(value.pick, 10);
  t.equal(value.fixed, 'x');
  t.equal((value.list as number[]).length, 2);
});

t.test('tool choice', async (t) => {
  const tools = [
    { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
    { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } },
  ];
  t.equal(planAnswer(prompt({ tools }), sentences).toolCalls.length, 0, 'not asked');
  t.equal(planAnswer(prompt({ tools, lastUserText: 'please call get_time' }), sentences).toolCalls[0].name, 'get_time', 'named in the prompt');
  t.equal(planAnswer(prompt({ tools, lastUserText: 'use a tool' }), sentences).toolCalls[0].name, 'lookup', 'asked for a tool');
  t.equal(planAnswer(prompt({ tools, toolChoice: { mode: 'required' } }), sentences).finish, 'tool_calls');
  t.equal(planAnswer(prompt({ tools, toolChoice: { mode: 'named', name: 'get_time' } }), sentences).toolCalls[0].name, 'get_time');
  t.equal(planAnswer(prompt({ tools, lastUserText: 'use a tool', toolChoice: { mode: 'none' } }), sentences).toolCalls.length, 0);
  t.equal(planAnswer(prompt({ tools, lastUserText: 'use a tool', answeringToolResult: true }), sentences).finish, 'stop');
});

t.test('max tokens truncate and report length', async (t) => {
  const answer = planAnswer(prompt({ maxTokens: 10 }), sentences);
  t.equal(answer.finish, 'length');
  t.ok(estimateTokens(answer.text) <= 10);
});

t.test('mock:quote: its own prose, then the text after the directive verbatim, less directives', async (t) => {
  const passage = 'Permission is hereby granted, free of charge, to any person obtaining a copy of this software.';
  const a = planAnswer(prompt({ lastUserText: `Explain it. mock:words=20 mock:quote ${passage} mock:words=20` }), sentences, 20);
  t.ok(a.text.endsWith(`\n\n${passage}`), a.text);
  t.equal(a.text.slice(0, -passage.length).trim().split(/\s+/).length, 20);
  t.not(planAnswer(prompt({ model: 'other', lastUserText: `mock:quote ${passage}` }), sentences).text.split('\n\n')[0], planAnswer(prompt({ lastUserText: `mock:quote ${passage}` }), sentences).text.split('\n\n')[0], 'the prose is each model\'s own');
});
