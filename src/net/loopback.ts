import { isIP } from 'node:net';
import { normalizeIp } from '../address.js';

/** True for names and addresses that reach this host: 127.0.0.0/8, ::1, localhost, and the wildcards. */
export function isLoopbackHost(host: string): boolean {
  const ip = normalizeIp(host.toLowerCase());
  if (ip === 'localhost' || ip.endsWith('.localhost')) return true;
  if (isIP(ip) === 4) return ip.startsWith('127.') || ip === '0.0.0.0';
  if (isIP(ip) === 6) return ip === '::1' || ip === '::' || /^0*:0*:0*:0*:0*:0*:0*:0*1$/.test(ip);
  return false;
}
