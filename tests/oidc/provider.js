// A real OpenID Connect provider for the login tests (tests/test_oidc_browser.py): node's
// oidc-provider (pinned in package.json), on loopback, with the city's test people in memory.
//
// Started by the tests, never by hand in production. It listens on 127.0.0.1 on a free port and
// prints one JSON line, {"issuer": "http://127.0.0.1:PORT"}, once it is ready. Environment:
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET   the one client (remiss), client_secret_post
//   OIDC_REDIRECT_URI                    remiss's /oidc/callback/ address on the live server
//   OIDC_POST_LOGOUT_REDIRECT_URI        where the provider sends the browser after logout
//
// Authorization code flow only, PKCE (S256) required. The login page is a minimal form of its
// own (no external fonts or scripts, so the browser tests see no console errors); consent is
// given by itself, as for a first-party application. Two addresses exist for the tests only:
//   POST /_test/expire-codes  back-dates every authorization code issued so far (an expired code)
//   GET  /_test/sessions      {"sessions": [account, ...]}: whose login sessions the provider holds
//   POST /_test/hold-callbacks?on=1|0  show the way back to remiss as a link instead of redirecting

'use strict';

const crypto = require('node:crypto');
const http = require('node:http');

const PASSWORD = 'stadens-losenord';

// The test people. Claims: email, employee_id (the city's employee number) and groups.
const ACCOUNTS = {
  anna: {
    email: 'anna.handlaggare@stad.example',
    employee_id: 'E1001',
    name: 'Anna Handläggare',
    groups: ['remiss-soc-handlaggare'],
  },
  rita: {
    email: 'rita.registrator@stad.example',
    employee_id: 'E2002',
    name: 'Rita Registrator',
    groups: ['remiss-registratorer', 'alla-anstallda'],
  },
  // A politician (tests/test_put_into_service.py): remiss knows her from the organisation import.
  pia: {
    email: 'pia.politiker@stad.example',
    employee_id: 'E3003',
    name: 'Pia Politiker',
    groups: ['alla-anstallda'],
  },
  okand: {
    email: 'okand.person@stad.example',
    employee_id: 'E9999',
    name: 'Okänd Person',
    groups: ['alla-anstallda'],
  },
};

// In-memory storage the tests can look into (the provider's own MemoryAdapter hides its store).
const store = new Map();

function epoch() {
  return Math.floor(Date.now() / 1000);
}

class TestAdapter {
  constructor(model) {
    this.model = model;
  }

  key(id) {
    return `${this.model}:${id}`;
  }

  // Expiry is the provider's own check of each payload's `exp`; nothing here removes old entries
  // (a test run is short).
  async upsert(id, payload) {
    store.set(this.key(id), { model: this.model, payload });
  }

  async find(id) {
    const entry = store.get(this.key(id));
    return entry ? entry.payload : undefined;
  }

  async findByUid(uid) {
    for (const entry of store.values()) {
      if (entry.model === this.model && entry.payload.uid === uid) return entry.payload;
    }
    return undefined;
  }

  async findByUserCode(userCode) {
    for (const entry of store.values()) {
      if (entry.model === this.model && entry.payload.userCode === userCode) return entry.payload;
    }
    return undefined;
  }

  async consume(id) {
    const entry = store.get(this.key(id));
    if (entry) entry.payload.consumed = epoch();
  }

  async destroy(id) {
    store.delete(this.key(id));
  }

  async revokeByGrantId(grantId) {
    for (const [key, entry] of store) {
      if (entry.payload.grantId === grantId) store.delete(key);
    }
  }
}

function page(title, body) {
  return `<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>${title}</title></head>`
    + `<body><main><h1>${title}</h1>${body}</main></body></html>`;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(new URLSearchParams(data)));
    req.on('error', reject);
  });
}

function send(res, status, html) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

function loginForm(uid, message) {
  const error = message ? `<p role="alert">${escapeHtml(message)}</p>` : '';
  return page('Stadens inloggning', `${error}
    <form method="post" action="/interaction/${uid}/login">
      <p><label for="login">Användarnamn</label> <input id="login" name="login" autocomplete="username"></p>
      <p><label for="password">Lösenord</label>
         <input id="password" name="password" type="password" autocomplete="current-password"></p>
      <p><button type="submit">Logga in hos staden</button></p>
    </form>`);
}

// Consent is not asked of the person: the grant covers what remiss asked for.
async function grantConsent(provider, req, res, details) {
  const { prompt, params, session } = details;
  const grant = new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

async function interaction(provider, req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    send(res, 400, page('Fel', '<p>Okänd inloggning.</p>'));
  } else if (req.method === 'GET' && details.prompt.name === 'consent') {
    await grantConsent(provider, req, res, details);
  } else if (req.method === 'GET') {
    send(res, 200, loginForm(uid));
  } else if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    const login = form.get('login') || '';
    if (!Object.hasOwn(ACCOUNTS, login) || form.get('password') !== PASSWORD) {
      send(res, 200, loginForm(uid, 'Fel användarnamn eller lösenord.'));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
  } else {
    send(res, 405, page('Fel', '<p>Metoden stöds inte.</p>'));
  }
}

// While set, the provider shows its answer to remiss (the redirect to the callback, with the code
// and state) as a link instead of redirecting: the browser holds it, and the test decides what
// reaches remiss and when. (A browser test cannot intercept the end of a redirect chain itself.)
let holdCallbacks = false;

function holdingCallback(res) {
  const end = res.end.bind(res);
  res.end = (...args) => {
    const location = res.getHeader('location');
    const redirect = res.statusCode === 302 || res.statusCode === 303;
    if (!redirect || typeof location !== 'string' || !location.startsWith(process.env.OIDC_REDIRECT_URI)) {
      return end(...args);
    }
    res.statusCode = 200;
    res.removeHeader('location');
    res.removeHeader('content-length');
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    return end(page('Tillbaka till remiss', `<p><a href="${escapeHtml(location)}">Fortsätt till remiss</a></p>`));
  };
}

function testControl(req, res) {
  const hold = /^\/_test\/hold-callbacks\?on=([01])$/.exec(req.url);
  if (req.method === 'POST' && hold) {
    holdCallbacks = hold[1] === '1';
    res.writeHead(204);
    res.end();
    return true;
  }
  if (req.method === 'POST' && req.url === '/_test/expire-codes') {
    for (const entry of store.values()) {
      if (entry.model === 'AuthorizationCode') entry.payload.exp = epoch() - 60;
    }
    res.writeHead(204);
    res.end();
    return true;
  }
  if (req.method === 'GET' && req.url === '/_test/sessions') {
    const sessions = [...store.values()].filter((entry) => entry.model === 'Session' && entry.payload.accountId);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ sessions: sessions.map((entry) => entry.payload.accountId) }));
    return true;
  }
  return false;
}

function signingKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };
}

function configuration() {
  return {
    adapter: TestAdapter,
    clients: [{
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: [process.env.OIDC_REDIRECT_URI],
      post_logout_redirect_uris: [process.env.OIDC_POST_LOGOUT_REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    jwks: { keys: [signingKey()] },
    cookies: {
      keys: [crypto.randomBytes(32).toString('hex')],
      // Plain HTTP on loopback: a SameSite=None cookie would need Secure, so Lax for both.
      long: { signed: true, sameSite: 'lax' },
      short: { signed: true, sameSite: 'lax' },
    },
    pkce: { required: () => true, methods: ['S256'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      employee: ['employee_id'],
      groups: ['groups'],
    },
    async findAccount(ctx, id) {
      const account = ACCOUNTS[id];
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, email_verified: true, ...account };
        },
      };
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.body = page('Logga ut från stadens konto?', `${form}
            <button type="submit" form="op.logoutForm" name="logout" value="yes">Ja, logga ut</button>
            <button type="submit" form="op.logoutForm">Nej, förbli inloggad</button>`);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = page('Utloggad från stadens konto', '<p>Du är utloggad.</p>');
        },
      },
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Fel hos stadens inloggning', `<pre>${escapeHtml(JSON.stringify(out))}</pre>`);
    },
  };
}

async function main() {
  for (const name of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI', 'OIDC_POST_LOGOUT_REDIRECT_URI']) {
    if (!process.env[name]) throw new Error(`${name} must be set`);
  }
  const { default: Provider } = await import('oidc-provider');
  let handle = null;
  const server = http.createServer((req, res) => handle(req, res));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration());
  const callback = provider.callback();
  handle = (req, res) => {
    const match = /^\/interaction\/([^/?]+)(?:\/([a-z]+))?(?:\?.*)?$/.exec(req.url);
    if (match) {
      interaction(provider, req, res, match[1], match[2]).catch((error) => {
        send(res, 400, page('Fel hos stadens inloggning', `<p>${escapeHtml(error.message)}</p>`));
      });
    } else if (!testControl(req, res)) {
      if (holdCallbacks) holdingCallback(res);
      callback(req, res);
    }
  };
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
