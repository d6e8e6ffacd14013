/**
 * Every probe of `nacos-doctor check`, in the order their findings appear in an address's
 * section. To add one: write src/doctor/probes/NAME.ts with its observation type, `observe`
 * (I/O) and pure `classify`, add its observation to `Observations` in src/doctor/probe.ts, and
 * list it here.
 */
import type { Probe } from './probe.js';
import { addressProbe } from './probes/address.js';
import { authProbe } from './probes/auth.js';
import { dnsProbe } from './probes/dns.js';
import { grpcProbe } from './probes/grpc.js';
import { h2Probe } from './probes/h2.js';
import { holdProbe } from './probes/hold.js';
import { httpProbe } from './probes/http.js';
import { membersProbe } from './probes/members.js';
import { offsetProbe } from './probes/offset.js';
import { tcpProbe } from './probes/tcp.js';

export const PROBES: readonly Probe[] = Object.freeze([dnsProbe, addressProbe, tcpProbe, httpProbe, authProbe, membersProbe, offsetProbe, h2Probe, grpcProbe, holdProbe]);
