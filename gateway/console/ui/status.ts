// One polite live region that tells sighted and screen-reader users what an action just did.
import { h } from './dom.js';

export const statusRegion = h('p', { id: 'status', role: 'status', 'aria-live': 'polite' });

export function announce(message: string, kind: 'ok' | 'error' | 'info' = 'info'): void {
  statusRegion.textContent = message;
  statusRegion.className = kind;
}
