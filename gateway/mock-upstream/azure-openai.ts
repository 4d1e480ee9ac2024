// Azure OpenAI: POST /openai/deployments/{deployment}/{chat/completions|completions|embeddings}?api-version=…
// with the key in `api-key`. The deployment names the model; answers are OpenAI's with Azure's content
// filter annotations, and a stream begins with Azure's prompt-filter chunk (empty choices), as the service
// sends them, so the gateway is exercised against what Azure really answers.
import type { Reply } from './reply.js';
import type { Route } from './route.js';

const AZURE_PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|completions|embeddings)$/;
const FILTERS = { hate: { filtered: false, severity: 'safe' }, self_harm: { filtered: false, severity: 'safe' }, sexual: { filtered: false, severity: 'safe' }, violence: { filtered: false, severity: 'safe' } };

/** The deployment and the OpenAI path an Azure deployment URL stands for; null for any other path. */
export function azurePath(path: string): { deployment: string; openaiPath: string } | null {
  const m = AZURE_PATH.exec(path);
  return m ? { deployment: decodeURIComponent(m[1]), openaiPath: `/v1/${m[2]}` } : null;
}

/** Azure's answer to a missing api-version or an unknown path. */
export const AZURE_NOT_FOUND: Reply = { kind: 'json', status: 404, body: { error: { code: '404', message: 'Resource not found' } } };

/** The OpenAI route's reply for the deployment, with Azure's annotations. */
export function azureReply(route: Route, deployment: string): Route {
  return {
    dialect: 'openai',
    directiveText: route.directiveText,
    reply(body, ctx) {
      const reply = route.reply({ ...body, model: deployment }, ctx);
      if (reply.kind === 'sse') {
        const promptFilter = { id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [{ prompt_index: 0, content_filter_results: FILTERS }] };
        return { kind: 'sse', frames: [`data: ${JSON.stringify(promptFilter)}\n\n`, ...reply.frames] };
      }
      if (reply.status !== 200 || typeof reply.body !== 'object' || reply.body === null) return reply;
      const answer = reply.body as Record<string, unknown>;
      if (!Array.isArray(answer.choices)) return reply;
      return {
        ...reply,
        body: {
          ...answer,
          prompt_filter_results: [{ prompt_index: 0, content_filter_results: FILTERS }],
          choices: answer.choices.map((c) => ({ ...(c as object), content_filter_results: FILTERS })),
        },
      };
    },
  };
}
