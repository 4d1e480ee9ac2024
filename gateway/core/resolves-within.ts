// Waiting for work, but not without end: whether a promise resolves within a deadline, its timer cleared
// either way (so a wait that finished early keeps no process alive).

/** True when `work` resolves within `ms`, false when the deadline passes first; its rejection within `ms` is passed on. */
export async function resolvesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}
