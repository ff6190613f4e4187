// A deliberately bad identity provider for LIS's tests of ID-token validation. It serves discovery, keys and a token
// endpoint; the authorization code LIS passes on says which flaw the ID token should have:
//
//   code = base64url(JSON.stringify({ flaw, nonce, sub }))
//   flaw: "none" | "wrong-audience" | "expired" | "wrong-nonce" | "wrong-issuer" | "wrong-key"
//
//   node forger.mjs --port 0      prints `ready <issuer>`
import http from 'node:http';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const { publicKey, privateKey } = await generateKeyPair('RS256');
const stranger = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'forger-1', use: 'sig', alg: 'RS256' };

const server = http.createServer(async (req, res) => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const url = new URL(req.url, issuer);
  const json = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (url.pathname === '/.well-known/openid-configuration') {
    return json(200, {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  }
  if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
  if (url.pathname === '/token' && req.method === 'POST') {
    let body = '';
    for await (const chunk of req) body += chunk;
    const code = new URLSearchParams(body).get('code') ?? '';
    let order;
    try {
      order = JSON.parse(Buffer.from(code, 'base64url').toString('utf8'));
    } catch {
      return json(400, { error: 'invalid_grant' });
    }
    const now = Math.floor(Date.now() / 1000);
    const flaw = order.flaw ?? 'none';
    const claims = { name: 'Fredrik Förfalskad', groups: ['lis-admins'], nonce: flaw === 'wrong-nonce' ? 'not-the-nonce' : order.nonce };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'forger-1' })
      .setIssuer(flaw === 'wrong-issuer' ? 'http://127.0.0.1:1/someone-else' : issuer)
      .setAudience(flaw === 'wrong-audience' ? 'another-client' : 'lis')
      .setSubject(order.sub ?? 'forged-subject')
      .setIssuedAt(flaw === 'expired' ? now - 7200 : now)
      .setExpirationTime(flaw === 'expired' ? now - 3600 : now + 300)
      .sign(flaw === 'wrong-key' ? stranger.privateKey : privateKey);
    return json(200, { access_token: 'forged-access-token', token_type: 'Bearer', expires_in: 300, id_token: token });
  }
  json(404, { error: 'not_found' });
});
server.listen(Number(args.port ?? 0), '127.0.0.1', () => {
  console.log(`ready http://127.0.0.1:${server.address().port}`);
});
