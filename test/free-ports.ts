// Ports free on 127.0.0.1 now, for tests and benchmarks that start servers (never fixed ports:
// other test runs share the machine).
import * as dgram from 'node:dgram';
import * as net from 'node:net';

/** A TCP port free on 127.0.0.1 now. */
export async function freeTcpPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A UDP port free on 127.0.0.1 now. */
export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
