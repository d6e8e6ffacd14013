/**
 * A request the simulator refuses because of what it carries (a missing dataId, a bad port):
 * HTTP answers 400 with the message, gRPC a failed response with errorCode 400, as Nacos does
 * for NacosException.INVALID_PARAM.
 */
import { NacosToolError } from '../errors.js';

export const INVALID_PARAM = 400;

export class InvalidRequestError extends NacosToolError {
  override name = 'InvalidRequestError';
  constructor(message: string) {
    super('ERR_SIM_INVALID_REQUEST', message);
  }
}
