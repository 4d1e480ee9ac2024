// Waits for something the gateway does after it has answered (an index batch, a feed append) instead
// of sleeping a fixed time: a fixed sleep is either slow or, on a loaded CI machine, too short.
export async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the gateway's provenance index traces every text to its own decision. */
export function indexed(gw: { url: string; adminToken: string }, served: { id: string; text: string }[]): Promise<unknown> {
  const detect = async () => {
    const res = await fetch(`${gw.url}/admin/v1/provenance/detect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ texts: served.map((s) => s.text) }),
    });
    return ((await res.json()) as { results: { decision_id: string | null }[] }).results;
  };
  return until(detect, (results) => results.every((r, i) => r.decision_id === served[i].id));
}
