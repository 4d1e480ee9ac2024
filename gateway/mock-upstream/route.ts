// The contract between the HTTP server and each API endpoint it serves.
import type { Behaviour } from './directives.js';
import type { Dialect, Reply } from './reply.js';

export type JsonBody = Record<string, any>;

export interface RouteContext {
  sentences: readonly string[];
  behaviour: Behaviour;
  models: readonly string[];
}

export interface Route {
  dialect: Dialect;
  /** The text that may carry `mock:` directives (the last user turn). */
  directiveText(body: JsonBody): string;
  reply(body: JsonBody, ctx: RouteContext): Reply;
}
