// A stand-in for the Bot Framework's token issuer: OpenID metadata and signing keys served on
// loopback, and a signer for channel tokens as Teams sends them (iss api.botframework.com, aud = the
// bot's app id, serviceurl claim, key endorsed for msteams).
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import http from 'node:http';

export interface FakeBotFrameworkAuth {
  metadataUrl: string;
  /** A channel token for the bot; override claims to forge. */
  token(claims: { aud: string; serviceurl: string } & Record<string, unknown>, opts?: { key?: 'trusted' | 'unknown' }): string;
  close(): Promise<void>;
}

const b64url = (x: Buffer | string) => Buffer.from(x).toString('base64url');

function sign(header: object, payload: object, key: KeyObject): string {
  const data = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const sig = createSign('RSA-SHA256').update(data).sign(key);
  return `${data}.${b64url(sig)}`;
}

export async function startFakeBotFrameworkAuth(): Promise<FakeBotFrameworkAuth> {
  const trusted = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const unknown = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwk = trusted.publicKey.export({ format: 'jwk' });
  let base = '';
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/.well-known/openidconfiguration') {
      res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    } else if (req.url === '/v1/.well-known/keys') {
      res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    metadataUrl: `${base}/v1/.well-known/openidconfiguration`,
    token(claims, opts = {}) {
      const now = Math.floor(Date.now() / 1000);
      return sign(
        { alg: 'RS256', typ: 'JWT', kid },
        { iss: 'https://api.botframework.com', nbf: now - 60, iat: now - 60, exp: now + 3600, ...claims },
        opts.key === 'unknown' ? unknown.privateKey : trusted.privateKey,
      );
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
