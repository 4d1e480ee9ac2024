// The egress proxy settings of the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY): the upstream client
// routes provider calls by them, and the secret scrubber keeps the credentials a proxy URL carries out
// of every answer and log line.

/** The environment's proxy settings, lower case first as curl reads them. */
export function proxyEnvironment(env: NodeJS.ProcessEnv): { httpProxy: string; httpsProxy: string; noProxy: string } {
  const httpProxy = env.http_proxy ?? env.HTTP_PROXY ?? '';
  return { httpProxy, httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? httpProxy, noProxy: env.no_proxy ?? env.NO_PROXY ?? '' };
}

/** The credentials a proxy URL carries (user info), so the scrubber can keep them out of every answer and log. */
export function proxyCredentials(env: NodeJS.ProcessEnv): string[] {
  const { httpProxy, httpsProxy } = proxyEnvironment(env);
  return [httpProxy, httpsProxy].flatMap((value) => {
    if (!value) return [];
    try {
      const url = new URL(value);
      return [url.password, url.password ? decodeURIComponent(url.password) : ''].filter((s) => s.length >= 4);
    } catch {
      return [];
    }
  });
}
