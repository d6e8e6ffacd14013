/**
 * Parses Nacos' cluster.conf the way the server reads it (EnvUtil.analyzeClusterConf and
 * MemberUtil.singleParse at alibaba/nacos 2.2.0): `#` starts a comment anywhere on a line, a line
 * may list several members separated by commas, and a member without a port gets this server's
 * own main port. Pure; keeps line numbers for the lint.
 */
import { canonicalHost, isLoopbackHost, parseHostPort } from '../address.js';
import { describeError } from '../errors.js';

export interface ClusterMember {
  /** As written. */
  readonly input: string;
  readonly host: string;
  readonly port: number;
  readonly portDefaulted: boolean;
  readonly line: number;
}

export interface ClusterConfProblem {
  readonly input: string;
  readonly line: number;
  readonly message: string;
}

export interface ParsedClusterConf {
  readonly members: readonly ClusterMember[];
  readonly problems: readonly ClusterConfProblem[];
}

export function parseClusterConf(text: string, defaultPort: number): ParsedClusterConf {
  const members: ClusterMember[] = [];
  const problems: ClusterConfProblem[] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const comment = raw.indexOf('#');
    const content = (comment < 0 ? raw : raw.slice(0, comment)).trim();
    if (content === '') return;
    for (const part of content.split(',')) {
      const input = part.trim();
      if (input === '') {
        problems.push({ input: content, line: index + 1, message: 'empty entry between commas' });
        continue;
      }
      if (/\s/.test(input)) {
        problems.push({ input, line: index + 1, message: `"${input}" contains whitespace: write one HOST:PORT per line, or separate members with commas` });
        continue;
      }
      if (!input.startsWith('[') && input.indexOf(':') !== input.lastIndexOf(':')) {
        // Nacos splits an unbracketed entry on every ':' (InternetAddressUtil.splitIPPortStr) and fails.
        problems.push({ input, line: index + 1, message: `"${input}": write an IPv6 member in brackets with its port, e.g. [fd00::1]:8848` });
        continue;
      }
      try {
        const { host, port } = parseHostPort(input, { defaultPort, what: 'member' });
        members.push({ input, host, port, portDefaulted: !/:\d+$/.test(input), line: index + 1 });
      } catch (error) {
        problems.push({ input, line: index + 1, message: describeError(error) });
      }
    }
  });
  return { members, problems };
}

/**
 * The machine a member runs on, for comparing members: the canonical host, or `loopback` for
 * every spelling of this machine (localhost, 127.x, ::1), whose ports Nacos binds on every
 * interface alike.
 */
export function hostKey(host: string): string {
  return isLoopbackHost(host) ? LOOPBACK : canonicalHost(host);
}

export const LOOPBACK = 'loopback';

/** `host:port` with the host as hostKey gives it: two members with one key are one process. */
export function memberKey(member: { readonly host: string; readonly port: number }): string {
  return `${hostKey(member.host)} ${member.port}`;
}
