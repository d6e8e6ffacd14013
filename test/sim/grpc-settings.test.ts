import { expect, test } from 'vitest';
import { NacosGrpcClient } from '../../src/nacos/grpc-client.js';
import { nacosRequest } from '../../src/nacos/messages.js';
import { dialTcp } from '../helpers/net.js';
import { simsClosedAfterEach } from '../helpers/sim.js';

/** A plaintext grpc-java server's first bytes (NACOS-FACTS.md §5.3, also seen in grpc-spring#359). */
const GRPC_JAVA_FIRST_BYTES = '00001204000000000000037fffffff000400100000000600002000000004080000000000000f0001';

const { sim } = simsClosedAfterEach();

function firstBytes(port: number, length: number): Promise<Buffer> {
  return dialTcp(port).then(
    (socket) =>
      new Promise((resolve) => {
        let received = Buffer.alloc(0);
        socket.on('data', (chunk: Buffer) => {
          received = Buffer.concat([received, chunk]);
          if (received.length >= length) {
            socket.destroy();
            resolve(received.subarray(0, length));
          }
        });
      }),
  );
}

test.each(['client-grpc', 'cluster-grpc'] as const)('the %s port sends grpc-java SETTINGS and WINDOW_UPDATE before the client says anything', async (role) => {
  const harness = await sim();
  const { clientGrpc, clusterGrpc } = harness.cluster.member(0).addresses;
  const bytes = await firstBytes(role === 'client-grpc' ? clientGrpc : clusterGrpc, GRPC_JAVA_FIRST_BYTES.length / 2);
  expect(bytes.toString('hex')).toBe(GRPC_JAVA_FIRST_BYTES);
});

test('gRPC responses carry content-type application/grpc and no date or server header', async () => {
  const harness = await sim();
  const client = await NacosGrpcClient.connect({ host: '127.0.0.1', port: harness.cluster.member(0).addresses.clientGrpc });
  try {
    const { headers } = await client.unary(nacosRequest('ServerCheckRequest'));
    expect(headers['content-type']).toBe('application/grpc');
    expect(headers).not.toHaveProperty('date');
    expect(headers).not.toHaveProperty('server');
  } finally {
    client.destroy();
  }
});
