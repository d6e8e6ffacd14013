import { expect, test } from 'vitest';
import { NacosResponseError } from '../../src/nacos/errors.js';
import { expectSuccess, failedResponse, nacosRequest, nacosResponse, responseFailure } from '../../src/nacos/messages.js';
import { decodePayload, encodePayload } from '../../src/nacos/payload.js';

test('a request body has "headers":{} first and the module getter last; real headers go to metadata', () => {
  const request = nacosRequest('ConfigQueryRequest', { dataId: 'd', group: 'g', tenant: '' }, { headers: { accessToken: 't' } });
  expect(decodePayload(encodePayload(request)).rawBody).toBe('{"headers":{},"dataId":"d","group":"g","tenant":"","module":"config"}');
  expect(request.headers).toEqual({ accessToken: 't' });
});

test('ServerCheckRequest is exactly what the Java client sends (requestId null, so absent)', () => {
  expect(decodePayload(encodePayload(nacosRequest('ServerCheckRequest'))).rawBody).toBe('{"headers":{},"module":"internal"}');
});

test('a server push carries its requestId', () => {
  expect(nacosRequest('ClientDetectionRequest', {}, { requestId: '7' }).body).toEqual({ headers: {}, requestId: '7', module: 'internal' });
});

test('a success response carries resultCode 200, errorCode 0 and success true', () => {
  expect(nacosResponse('ServerCheckResponse', { connectionId: '1_127.0.0.1_5' }).body).toEqual({
    resultCode: 200,
    errorCode: 0,
    connectionId: '1_127.0.0.1_5',
    success: true,
  });
});

test('failedResponse builds ErrorResponse.build(301, ...) byte for byte', () => {
  const payload = failedResponse(301, 'Connection is unregistered.');
  expect(decodePayload(encodePayload(payload)).rawBody).toBe('{"resultCode":500,"errorCode":301,"message":"Connection is unregistered.","success":false}');
  expect(payload.type).toBe('ErrorResponse');
});

test('responseFailure reads failures and ignores successes', () => {
  expect(responseFailure(decodePayload(encodePayload(nacosResponse('HealthCheckResponse'))))).toBeUndefined();
  expect(responseFailure(decodePayload(encodePayload(failedResponse(403, 'user not found!', 'ConfigQueryResponse'))))).toEqual({
    type: 'ConfigQueryResponse',
    resultCode: 500,
    errorCode: 403,
    message: 'user not found!',
  });
});

test('expectSuccess throws a NacosResponseError carrying the error code', () => {
  const failure = decodePayload(encodePayload(failedResponse(300, 'Server is starting,please try later.')));
  expect(() => expectSuccess(failure, 'ServerCheckRequest')).toThrow(NacosResponseError);
  expect(() => expectSuccess(failure, 'ServerCheckRequest')).toThrow(
    expect.objectContaining({ code: 'ERR_NACOS_RESPONSE', errorCode: 300, message: 'ServerCheckRequest: ErrorResponse errorCode 300 "Server is starting,please try later."' }),
  );
});
