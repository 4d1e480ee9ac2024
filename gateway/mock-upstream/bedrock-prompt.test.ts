// The mock's Converse request checks: what Bedrock refuses with a ValidationException, and what a valid request asks.
import t from 'tap';
import fc from 'fast-check';
import { conversePrompt } from './bedrock-prompt.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const toolConfig = { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }] };
const user = (...content: unknown[]) => ({ role: 'user', content });
const assistant = (...content: unknown[]) => ({ role: 'assistant', content });

t.test('a valid conversation with tools, an image and a tool round', async (t) => {
  const prompt = conversePrompt('m', {
    system: [{ text: 'Be brief.' }],
    messages: [
      user({ image: { format: 'png', source: { bytes: PNG } } }, { text: 'Weather?' }),
      assistant({ text: 'Checking.' }, { toolUse: { toolUseId: 't1', name: 'get_weather', input: { city: 'Oslo' } } }),
      user({ toolResult: { toolUseId: 't1', content: [{ json: { sky: 'clear' } }, { text: 'Sunny' }], status: 'success' } }),
    ],
    toolConfig: { ...toolConfig, toolChoice: { tool: { name: 'get_weather' } } },
    inferenceConfig: { maxTokens: 9 },
  });
  t.match(prompt, { tools: [{ name: 'get_weather', parameters: { type: 'object' } }], toolChoice: { mode: 'named', name: 'get_weather' }, maxTokens: 9, answeringToolResult: true, lastUserText: '' });
  t.match((prompt as { inputText: string }).inputText, /Be brief\.[\s\S]*\{"sky":"clear"\}[\s\S]*Sunny/);
});

t.test('what Bedrock refuses', async (t) => {
  const refused: [unknown, RegExp][] = [
    [{ messages: [] }, /must not be empty/],
    [{ messages: [assistant({ text: 'x' })] }, /alternate between user and assistant/],
    [{ messages: [user({ text: 'a' }), user({ text: 'b' })] }, /alternate/],
    [{ messages: [user({ text: '' })] }, /blank/],
    [{ messages: [user({ text: 'a', image: {} })] }, /exactly one of/],
    [{ messages: [user({ image: { format: 'tiff', source: { bytes: PNG } } })] }, /image\.format/],
    [{ messages: [user({ image: { format: 'png', source: { bytes: 'not base64!' } } })] }, /base64/],
    [{ messages: [user({ text: 'a' }), assistant({ toolUse: { toolUseId: 't', name: 'f', input: {} } })] }, /toolConfig field must be defined/],
    [{ messages: [user({ toolResult: { toolUseId: 't', content: [{ text: 'x' }] } })], toolConfig }, null as unknown as RegExp],
    [{ messages: [user({ toolResult: { toolUseId: 't', content: [{ image: {} }] } })], toolConfig }, /each must be text or json/],
    [{ messages: [user({ toolResult: { toolUseId: 't', content: [], status: 'failed' } })], toolConfig }, /status/],
    [{ messages: [user({ toolUse: { toolUseId: 't', name: 'f', input: {} } })], toolConfig }, /belong to assistant turns/],
    [{ messages: [user({ text: 'a' })], toolConfig: { tools: [] } }, /at least one tool/],
    [{ messages: [user({ text: 'a' })], toolConfig: { tools: [{ toolSpec: { name: 'f' } }] } }, /inputSchema\.json/],
    [{ messages: [user({ text: 'a' })], toolConfig: { ...toolConfig, toolChoice: { none: {} } } }, /auto, any, tool/],
  ];
  for (const [body, reason] of refused) {
    const out = conversePrompt('m', body as Record<string, unknown>);
    if (reason === null) t.type(out, 'object', 'a tool result without a status is valid');
    else t.match(out, reason);
  }
});

t.test('property: no request body makes the checks throw', async () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.jsonValue(), fc.jsonValue(), (messages, config, system) => {
      conversePrompt('m', { messages: Array.isArray(messages) ? messages : [messages], toolConfig: config, system });
      conversePrompt('m', { messages: [{ role: 'user', content: Array.isArray(messages) ? messages : [messages] }], toolConfig: config });
    }),
    { numRuns: 300 },
  );
});
