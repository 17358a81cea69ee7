// Why JuiceNet Local could not start, in words with what to do: a taken port (which one, UDP or
// HTTP, and the option that moves it), a port below 1024 without the right to it; the storage's
// own faults (src/local/storage) already speak for themselves.
import type { LocalServerOptions } from './server';

export function describeStartFault(e: unknown, opts: Pick<LocalServerOptions, 'udpPort' | 'httpPort' | 'udpHost' | 'httpHost'>): string {
  const err = e as NodeJS.ErrnoException & { port?: number; address?: string };
  const udp = err.syscall === 'bind';
  const port = err.port ?? (udp ? opts.udpPort : opts.httpPort);
  const what = udp ? `UDP port ${port} (where the boxes report)` : `HTTP port ${port} (the JuiceNet API)`;
  const option = udp ? '--udp-port' : '--http-port';
  if (err.code === 'EADDRINUSE') {
    return (
      `${what} is already in use on ${err.address ?? (udp ? opts.udpHost : opts.httpHost) ?? 'this machine'}: another program listens there, ` +
      'perhaps another JuiceNet Local (its service: systemctl status juicenet-local; VS Code: JuiceNet: Stop Local Server). ' +
      `Stop that program, or start this one on another port with ${option}.`
    );
  }
  if (err.code === 'EACCES' && typeof port === 'number' && port > 0 && port < 1024) {
    return (
      `no permission to listen on ${what}: ports below 1024 need administrator rights. ` +
      `Use a port of 1024 or more with ${option}, or run it as the systemd service, which grants that right (AmbientCapabilities=CAP_NET_BIND_SERVICE).`
    );
  }
  if (err.code === 'EADDRNOTAVAIL') return `${what}: the address ${err.address ?? ''} is not one of this machine's. Check --udp-host and --http-host.`;
  return (e as Error).message;
}
