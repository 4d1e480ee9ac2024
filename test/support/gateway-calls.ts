// What an end-to-end test sends a running gateway as a developer, the training runner or an admin would:
// one place, so every test reads answers, the feed and the audit log the same way.
import type OpenAI from 'openai';
import type { CallRecord } from '../../gateway/core/contracts.js';
import type { DemoGateway } from './demo-gateway.js';
import { until } from './until.js';

/** The watermark's variation selectors. */
export const SELECTOR = /[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF]/g;
export const stripMarks = (s: string) => s.replace(SELECTOR, '');

export interface Answer {
  status: number;
  id: string;
  body: Record<string, any>;
}

/** A data-plane POST with the demo key; the answer parsed as JSON, with its decision id. */
export async function postAs(gw: Pick<DemoGateway, 'url' | 'key'>, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, id: res.headers.get('x-termsgate-decision-id')!, body: (await res.json()) as Record<string, any> };
}

/** The training feed's first page as the runner reads it, as text (JSON). */
export async function feedText(gw: Pick<DemoGateway, 'url' | 'runnerToken'>): Promise<string> {
  const res = await fetch(`${gw.url}/training/v1/feed?cursor=0&limit=1000`, { headers: { authorization: `Bearer ${gw.runnerToken}` } });
  return res.text();
}

/** The decision ids of the feed's first page. */
export async function feedDecisionIds(gw: Pick<DemoGateway, 'url' | 'runnerToken'>): Promise<string[]> {
  const page = JSON.parse(await feedText(gw)) as { records: { example: { decision_id: string } }[] };
  return page.records.map((r) => r.example.decision_id);
}

/** A control-plane GET with the admin token. */
export async function adminGet(gw: Pick<DemoGateway, 'url' | 'adminToken'>, path: string): Promise<any> {
  const res = await fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
  return res.json();
}

/** What an OpenAI SDK stream of chat chunks adds up to. */
export async function collectChatStream(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<{ text: string; finish: string | null; usage: OpenAI.CompletionUsage | undefined }> {
  let text = '';
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  return { text, finish, usage };
}

/** A call's final record (anything after `started`) from the audit log, polled until it is there. */
export async function finalRecord(gw: Pick<DemoGateway, 'url' | 'adminToken'>, id: string): Promise<CallRecord> {
  const records = async () => {
    const res = await fetch(`${gw.url}/admin/v1/audit/records?decision_id=${id}`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
    return ((await res.json()) as { records: { record: CallRecord }[] }).records.map((r) => r.record);
  };
  return (await until(records, (rs) => rs.some((r) => r.phase !== 'started'))).find((r) => r.phase !== 'started')!;
}
