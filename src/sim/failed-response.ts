/**
 * A failed response in a handler's own class. Nacos builds these with `new XxxResponse()` plus
 * setErrorInfo, and Jackson (NON_NULL) still writes the class's primitive and initialised fields,
 * so `{"lastModified":0,"beta":false}` travel with a ConfigQueryResponse error. Clients rely on
 * them: nacos-sdk-rust cannot parse a ConfigQueryResponse without `lastModified`.
 */
import { failedResponse } from '../nacos/messages.js';
import type { NacosPayload } from '../nacos/payload.js';

/** The non-null defaults of the response classes the simulator answers with (api/.../response). */
const DEFAULT_FIELDS: Readonly<Record<string, object>> = Object.freeze({
  ConfigQueryResponse: { lastModified: 0, beta: false },
  ConfigChangeBatchListenResponse: { changedConfigs: [] },
  ServiceListResponse: { count: 0 },
});

export function failedAs(type: string, errorCode: number, message: string): NacosPayload<object> {
  return failedResponse(errorCode, message, type, DEFAULT_FIELDS[type] ?? {});
}
