/**
 * Access tokens as Nacos' default auth plugin issues them: an HS256 JWT `{"sub":user,"exp":s}`
 * signed with the cluster's `token.secret.key`, valid while `exp >= now` (NacosSignatureAlgorithm).
 * One secret per simulated cluster, so a token from one member works on all of them.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** `nacos.core.auth.plugin.nacos.token.expire.seconds` default. */
export const TOKEN_TTL_SECONDS = 18_000;

export type TokenCheck = { readonly ok: true; readonly username: string } | { readonly ok: false; readonly message: string };

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

export class TokenIssuer {
  readonly #secret: Buffer;

  constructor(secret: Buffer = randomBytes(32)) {
    this.#secret = secret;
  }

  #sign(unsigned: string): string {
    return createHmac('sha256', this.#secret).update(unsigned).digest('base64url');
  }

  issue(username: string, now = Date.now()): string {
    const unsigned = `${base64url(JSON.stringify({ alg: 'HS256' }))}.${base64url(JSON.stringify({ sub: username, exp: Math.floor(now / 1000) + TOKEN_TTL_SECONDS }))}`;
    return `${unsigned}.${this.#sign(unsigned)}`;
  }

  /** Nacos' messages: `user not found!` without a token, `token invalid!`, `token expired!`. */
  check(token: string | undefined, now = Date.now()): TokenCheck {
    if (token === undefined || token === '') return { ok: false, message: 'user not found!' };
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, message: 'token invalid!' };
    const expected = Buffer.from(this.#sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, message: 'token invalid!' };
    let claims: { sub?: unknown; exp?: unknown };
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { sub?: unknown; exp?: unknown };
    } catch {
      return { ok: false, message: 'token invalid!' };
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < now) return { ok: false, message: 'token expired!' };
    return { ok: true, username: String(claims.sub) };
  }
}
