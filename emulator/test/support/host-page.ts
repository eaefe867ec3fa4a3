// A tiny host application for portal-page tests: serves a page that frames a given URL and records every
// message it receives, like a real app embedding the admin portal. Listens on 127.0.0.1, port 0.
// The frame fills the viewport and the page itself never scrolls: a click into a cross-origin frame right
// after the host page scrolled can be routed with the old geometry (the frame renders in another process)
// and land hundreds of pixels off target, which is how a click on "Enable directory sync" went missing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostPage {
  port: number;
  /** URL of a host page framing `src`, under the given host name (`localhost` or `127.0.0.1`). */
  pageUrl(src: string, hostname?: 'localhost' | '127.0.0.1'): string;
  close(): Promise<void>;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export async function startHostPage(): Promise<HostPage> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host.test');
    const src = url.searchParams.get('src') ?? 'about:blank';
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html><head><title>Host app</title></head><body style="margin:0;overflow:hidden">
<script>
  window.portalMessages = [];
  window.frameLoads = 0;
  addEventListener('message', function (event) { window.portalMessages.push({ origin: event.origin, data: event.data }); });
</script>
<iframe id="portal" title="Admin portal" src="${escape(src)}" allow="clipboard-write" style="display:block;width:100%;height:100vh;border:0"
  onload="window.frameLoads++"></iframe>
</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    pageUrl: (src, hostname = 'localhost') => `http://${hostname}:${port}/?src=${encodeURIComponent(src)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
