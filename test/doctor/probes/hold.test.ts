import { describe, expect, it } from 'vitest';
import { classifyHold, describeEnd, type HoldObservation } from '../../../src/doctor/probes/hold.js';
import type { H2PortObservation } from '../../../src/doctor/probes/h2.js';
import { failed, ok, target } from '../factories.js';

function hold(fields: Partial<HoldObservation>): HoldObservation {
  return {
    port: 9848,
    requestedMs: 90_000,
    open: ok({ connectionId: '1_10.0.0.5_1' }),
    heldMs: 90_000,
    heartbeats: { sent: 17, failed: 0, unregistered: 0 },
    clientDetections: 0,
    ...fields,
  };
}

const NGINX_H2: { ports: H2PortObservation[] } = {
  ports: [{ role: 'client-grpc', port: 9848, connect: ok(undefined), unsolicited: '', answer: '000012040000000000000300000080000400010000000500ffffff', end: 'enough' }],
};

describe('classifyHold', () => {
  it('passes a connection that lasted the whole hold', () => {
    expect(classifyHold({ hold: hold({}) }, target())[0]).toMatchObject({
      status: 'ok',
      title: 'a registered connection on 9848 stayed open for the whole 90.0 s hold, every heartbeat answered',
      evidence: '17 heartbeats (0 failed, 0 with errorCode 301), 0 server detections answered',
    });
  });

  it('fails a hold whose heartbeats are refused as unregistered (301): the split-connection cause, even when nothing cut it', () => {
    const [finding] = classifyHold({ hold: hold({ heartbeats: { sent: 14, failed: 0, unregistered: 14 } }), h2: NGINX_H2 }, target());
    expect(finding).toMatchObject({ status: 'fail', cause: 'CONNECTION_SPLIT', data: { unregisteredHeartbeats: 14 } });
    expect(finding!.title).toBe('14 of 14 heartbeats on the registered connection on 9848 refused as unregistered (errorCode 301): clients would reconnect and re-register');
    expect(finding!.explanation).toContain('errorCode 301');
    expect(finding!.fix).toContain('plain TCP');
  });

  it('fails a hold whose heartbeats fail, saying what the first one got', () => {
    const [finding] = classifyHold({ hold: hold({ heartbeats: { sent: 1, failed: 1, unregistered: 0, firstFailure: 'ERR_GRPC_TIMEOUT happened' } }) }, target());
    expect(finding).toMatchObject({ status: 'fail', cause: 'HEARTBEAT_FAILED' });
    expect(finding!.title).toBe('1 of 1 heartbeat on the registered connection on 9848 failed: clients would reconnect and re-register');
    expect(finding!.evidence).toContain('1 heartbeat (1 failed, 0 with errorCode 301), 0 server detections answered; first failure: ERR_GRPC_TIMEOUT happened');
    expect(finding!.explanation).toContain('UNHEALTHY');
  });

  it('calls failing heartbeats behind an HTTP/2-terminating proxy a split connection', () => {
    const [finding] = classifyHold({ hold: hold({ heartbeats: { sent: 3, failed: 3, unregistered: 0 } }), h2: NGINX_H2 }, target());
    expect(finding).toMatchObject({ status: 'fail', cause: 'CONNECTION_SPLIT' });
  });

  it('points a cut at 60 s behind nginx HTTP/2 at grpc_read_timeout', () => {
    const [finding] = classifyHold({ hold: hold({ heldMs: 60_010, cut: { how: 'bi-stream ended: RST_STREAM code 1' } }), h2: NGINX_H2 }, target());
    expect(finding).toMatchObject({ status: 'fail', cause: 'CONNECTION_CUT' });
    expect(finding!.explanation).toContain('at the 60 s default of nginx grpc_read_timeout');
    expect(finding!.evidence).toContain('RST_STREAM code 1');
  });

  it('points an early cut at an idle timeout shorter than the heartbeat', () => {
    const [finding] = classifyHold({ hold: hold({ heldMs: 1000, cut: { how: 'connection closed' } }) }, target());
    expect(finding!.explanation).toContain('shorter than the 5 s client heartbeat');
    expect(finding!.fix).toContain('at least 30 s');
  });

  it('skips the hold when no connection could be registered', () => {
    expect(classifyHold({ hold: hold({ open: failed({ code: 'ERR_GRPC_TIMEOUT' }) }) }, target())[0]).toMatchObject({ status: 'skipped' });
  });

  it('describes how a bi-stream ended', () => {
    expect(describeEnd({ http2Code: 2, grpcStatus: 14, grpcMessage: 'gone' }, 0)).toBe('bi-stream ended: GOAWAY code 0, RST_STREAM code 2, grpc-status 14 "gone"');
    expect(describeEnd({}, undefined)).toBe('bi-stream ended by the peer');
  });
});
