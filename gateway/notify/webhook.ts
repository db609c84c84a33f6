// One call of the SMS gateway's HTTP webhook: the configured JSON body template with its placeholders
// filled in (values inserted into strings of the parsed template, so a quote in a trích yếu cannot break
// the JSON), headers with the secret read from its file, and a timeout. The outcome says whether to retry.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SmsWebhook } from '../../config/schema.js';

export type WebhookOutcome =
  | { kind: 'sent'; status: number; reply: string }
  | { kind: 'temporary'; status: number | null; reply: string }
  | { kind: 'permanent'; status: number; reply: string };

export type Placeholders = Record<string, string>;

/** {name} → value in a string; unknown names are left as written (a template typo shows in the test call). */
function fillPlaceholders(text: string, values: Placeholders): string {
  return text.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? values[name] : whole));
}

/** The template with every string (keys stay) filled in, recursively. */
export function fillTemplate(template: unknown, values: Placeholders): unknown {
  if (typeof template === 'string') return fillPlaceholders(template, values);
  if (Array.isArray(template)) return template.map((v) => fillTemplate(v, values));
  if (template && typeof template === 'object') return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillTemplate(v, values)]));
  return template;
}

export function readSecret(webhook: SmsWebhook, configDir: string): string {
  return webhook.secretFile ? readFileSync(path.resolve(configDir, webhook.secretFile), 'utf8').replace(/\r?\n$/, '') : '';
}

function okStatus(webhook: SmsWebhook, status: number): boolean {
  return webhook.okStatuses ? webhook.okStatuses.includes(status) : status >= 200 && status < 300;
}

/** 408, 425, 429 and 5xx are worth another try; other 4xx will fail the same way again. */
function retryable(status: number): boolean {
  return status >= 500 || status === 408 || status === 425 || status === 429;
}

export async function callWebhook(webhook: SmsWebhook, secret: string, values: Placeholders): Promise<WebhookOutcome> {
  const all = { ...values, secret };
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  for (const [name, value] of Object.entries(webhook.headers)) headers[name.toLowerCase()] = fillPlaceholders(value, { secret });
  const body = JSON.stringify(fillTemplate(webhook.body, all));
  let response: Response;
  try {
    response = await fetch(webhook.url, { method: webhook.method, headers, body, signal: AbortSignal.timeout(webhook.timeout) });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const reply = e.name === 'TimeoutError' ? `timeout after ${webhook.timeout} ms` : `${e.cause?.code ?? e.name}: ${e.message}`;
    return { kind: 'temporary', status: null, reply };
  }
  let text = '';
  try {
    text = (await response.text()).replace(/\s+/g, ' ').trim().slice(0, 300);
  } catch {
    // The status is what counts; a body cut off by the peer is not a failure of the call.
  }
  const reply = `HTTP ${response.status}${text ? ` ${text}` : ''}`;
  if (okStatus(webhook, response.status)) return { kind: 'sent', status: response.status, reply };
  return retryable(response.status) ? { kind: 'temporary', status: response.status, reply } : { kind: 'permanent', status: response.status, reply };
}
