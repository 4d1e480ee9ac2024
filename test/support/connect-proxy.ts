// A minimal HTTP CONNECT proxy on 127.0.0.1, standing in for a company's egress proxy: it records every
// tunnel (its target and the local port of the proxy's own connection to it), so a test can prove that
// each connection a provider saw came through the proxy. Written here because a tunnel recorder is a
// dozen lines and no maintained proxy package exposes the outbound sockets.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface Tunnel {
  target: string;
  /** The local port of the proxy's connection to the target: the remote port the target sees. */
  outboundPort: number;
  /** The Proxy-Authorization header the client sent, if any. */
  authorization?: string;
}

export interface ConnectProxy {
  url: string;
  tunnels: Tunnel[];
  /** Plain (non-CONNECT) proxy requests, which this proxy refuses with 405. */
  refused: string[];
  close(): Promise<void>;
}

export async function startConnectProxy(): Promise<ConnectProxy> {
  const tunnels: Tunnel[] = [];
  const refused: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    refused.push(`${req.method} ${req.url}`);
    res.writeHead(405).end();
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const [host, port] = (req.url ?? '').split(/:(?=\d+$)/);
    const upstream = connect(Number(port), host, () => {
      tunnels.push({ target: req.url ?? '', outboundPort: upstream.localPort!, authorization: req.headers['proxy-authorization'] });
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
