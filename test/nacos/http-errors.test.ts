import { describe, expect, it } from 'vitest';
import { NacosApiAbsentError, NacosAuthError, NacosDownError, NacosHttpError, classifyHttpFailure } from '../../src/nacos/http-errors.js';

const failure = (status: number, body: string) => classifyHttpFailure({ status, body, method: 'GET', url: 'http://h:8848/nacos/v1/x' });

describe('classifyHttpFailure', () => {
  it.each([
    [403, 'user not found!', 'no-token'],
    [403, 'unknown user!', 'bad-credentials'],
    [403, '{"status":403,"message":"token expired!"}', 'token-expired'],
    [403, 'token invalid!', 'token-invalid'],
    [403, 'Invalid signature', 'token-invalid'],
    [401, '{"code":401,"message":"Login failed"}', 'bad-credentials'],
    [403, 'authorization failed!', 'forbidden'],
  ])('tells auth failures apart: %i %s', (status, body, reason) => {
    const error = failure(status, body);
    expect(error).toBeInstanceOf(NacosAuthError);
    expect(error).toMatchObject({ code: 'ERR_NACOS_AUTH', status, body, reason });
  });

  it('reads the Raft DOWN answers of 1.4.0/2.0.0 and of 2.0.3+', () => {
    const old = failure(503, 'server is DOWN now, please try again later!');
    expect(old).toBeInstanceOf(NacosDownError);
    expect(old).toMatchObject({ code: 'ERR_NACOS_DOWN', serverStatus: 'DOWN', detail: undefined });
    const detailed = failure(503, 'server is DOWNnow, detailed error message: Optional[No leader for raft group naming_persistent_service, please see logs]');
    expect(detailed).toMatchObject({ serverStatus: 'DOWN', detail: 'Optional[No leader for raft group naming_persistent_service, please see logs]' });
    expect(failure(503, 'server is STARTINGnow, please try again later!')).toMatchObject({ serverStatus: 'STARTING' });
  });

  it('treats 404, 405, 410 and 501 as an API this version does not have, keeping the body', () => {
    for (const status of [404, 405, 410, 501]) expect(failure(status, 'x')).toBeInstanceOf(NacosApiAbsentError);
    const gated = failure(410, '{"code":40000,"message":"Current API will be deprecated, please use API(s) ..."}');
    expect(gated).toMatchObject({ code: 'ERR_NACOS_API_ABSENT', status: 410, body: expect.stringContaining('40000') });
    expect(gated.message).toContain('no such API');
  });

  it('keeps any other status as ERR_NACOS_HTTP with the body in the message', () => {
    const error = failure(500, 'caused: java.lang.NullPointerException');
    expect(error).toBeInstanceOf(NacosHttpError);
    expect(error).toMatchObject({ code: 'ERR_NACOS_HTTP', status: 500 });
    expect(error.message).toBe('GET http://h:8848/nacos/v1/x answered HTTP 500: caused: java.lang.NullPointerException');
    expect(failure(503, 'busy').code).toBe('ERR_NACOS_HTTP');
  });
});
