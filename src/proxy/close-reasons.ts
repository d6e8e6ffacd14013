/**
 * Why a client connection ended, as written in the per-connection log line and the
 * `reason` label of nacos_proxy_connections_closed_total.
 */
export const CLOSE_REASONS = [
  /** The client sent FIN first; both directions then finished. */
  'client-end',
  /** The member sent FIN first; both directions then finished. */
  'upstream-end',
  'client-reset',
  'upstream-reset',
  'client-error',
  'upstream-error',
  'idle-timeout',
  /** Still open when --drain-timeout ran out after SIGTERM/SIGINT, or cut by a second signal. */
  'drained',
  /** Every connect attempt to the role's healthy members failed. */
  'connect-failed',
  /** No member was healthy for the role when the client arrived. */
  'no-healthy-upstream',
  /** Refused by --allow/--deny. */
  'denied',
  /** Refused by --max-connections. */
  'limit',
  /** Refused by --max-connections-per-ip. */
  'limit-per-ip',
] as const;

export type CloseReason = (typeof CLOSE_REASONS)[number];

/** Reasons that mean the client was refused before any upstream traffic. */
export const REFUSAL_REASONS: ReadonlySet<CloseReason> = new Set(['connect-failed', 'no-healthy-upstream', 'denied', 'limit', 'limit-per-ip']);
