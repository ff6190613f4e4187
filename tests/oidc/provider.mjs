// A real OpenID Connect provider for LIS's tests: the npm package oidc-provider (OpenID certified) on a loopback
// port, with one static client (PKCE required) and fixed test users whose `groups` claim maps to LIS's roles.
//
//   node provider.mjs --port 0 --lis http://127.0.0.1:8080 [--clock-offset -60 --id-token-ttl 10]
//
// Prints `ready <issuer>` on standard output once it listens. --clock-offset shifts the provider's clock by that
// many seconds and --id-token-ttl sets how long its ID tokens last, so that a test can have it sign ID tokens that
// have already expired when LIS checks them (while its own cookies, which last longer, still work).
import net from 'node:net';
import Provider from 'oidc-provider';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const lis = (args.lis ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const clockOffset = Number(args['clock-offset'] ?? 0);
if (clockOffset !== 0) {
  const realNow = Date.now;
  Date.now = () => realNow() + clockOffset * 1000;
}

/** The test users: login name → claims. Every login name a test uses must be here; others fail to sign in. */
const users = {
  'anna.admin': { name: 'Anna Admin', email: 'anna.admin@testkommun.se', groups: ['lis-admins'] },
  'cecilia.ciso': { name: 'Cecilia Ciso', email: 'cecilia.ciso@testkommun.se', groups: ['lis-ciso'] },
  'ivar.it': { name: 'Ivar It', email: 'ivar.it@testkommun.se', groups: ['lis-it', 'alla-anstallda'] },
  'astrid.auditor': { name: 'Astrid Auditor', email: 'astrid.auditor@testkommun.se', groups: ['lis-auditors'] },
  'nils.nobody': { name: 'Nils Nobody', email: 'nils.nobody@testkommun.se', groups: [] },
};

const configuration = {
  clients: [
    {
      client_id: 'lis',
      client_secret: 'lis-test-secret',
      redirect_uris: [`${lis}/auth/callback`],
      post_logout_redirect_uris: [`${lis}/`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username', 'groups'],
    email: ['email', 'email_verified'],
  },
  // Put the profile claims, groups included, into the ID token itself.
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    const user = users[id];
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, preferred_username: id, email_verified: true, ...user };
      },
    };
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  cookies: { keys: ['lis-test-cookie-key'] },
  ttl: { IdToken: Number(args['id-token-ttl'] ?? 3600) },
};

// The issuer must carry the port, so the port is found first.
const port = await new Promise((resolve) => {
  const probe = net.createServer().listen(Number(args.port ?? 0), '127.0.0.1', () => {
    const { port: found } = probe.address();
    probe.close(() => resolve(found));
  });
});
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, configuration);
provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
