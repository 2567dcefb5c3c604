import { describe, expect, it } from 'vitest';
import { authConfig, expandScopes, hasScope, KAIZEN_SCOPES, protectedResourceMetadata } from '../src/index.js';

/**
 * Parses env the way @kaizen/runtime's loadConfig does (empty = unset; the first issue becomes one
 * line naming the variable and quoting its value), without depending on the runtime.
 */
function load(env: Record<string, string>) {
  const raw = Object.fromEntries(Object.keys(authConfig.schema.shape).map((k) => [k, env[k] || undefined]));
  const result = authConfig.schema.safeParse(raw);
  if (result.success) return authConfig.read(result.data);
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0]);
  throw new Error(`Invalid configuration: ${variable} ${issue.message}; got ${raw[variable] === undefined ? 'nothing' : `"${raw[variable]}"`}.`);
}

const errorOf = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};

describe('authConfig', () => {
  it('is off by default and on as soon as an issuer is set', () => {
    expect(load({})).toEqual({ mode: 'none', disabledExplicitly: false, groupsClaim: 'groups' });
    expect(load({ KAIZEN_AUTH_ISSUER: 'https://auth.acme.dev', KAIZEN_PUBLIC_URL: 'https://kaizen.acme.dev' })).toEqual({
      mode: 'oauth',
      disabledExplicitly: false,
      issuer: 'https://auth.acme.dev',
      publicUrl: 'https://kaizen.acme.dev',
      resource: 'https://kaizen.acme.dev/mcp',
      groupsClaim: 'groups',
    });
    expect(load({ KAIZEN_AUTH: 'none', KAIZEN_AUTH_ISSUER: 'https://auth.acme.dev' })).toMatchObject({ mode: 'none', disabledExplicitly: true });
  });

  it('derives the resource from a public URL with a path or a trailing slash', () => {
    const settings = load({ KAIZEN_AUTH_ISSUER: 'http://localhost:8080/realms/acme', KAIZEN_PUBLIC_URL: 'https://acme.dev/kaizen/', KAIZEN_AUTH_GROUPS_CLAIM: 'roles' });
    expect(settings).toMatchObject({ publicUrl: 'https://acme.dev/kaizen', resource: 'https://acme.dev/kaizen/mcp', groupsClaim: 'roles' });
  });

  it('reads introspection settings', () => {
    const env = { KAIZEN_AUTH: 'oauth', KAIZEN_PUBLIC_URL: 'https://k.acme.dev', KAIZEN_AUTH_INTROSPECTION_URL: 'https://auth.acme.dev/introspect' };
    expect(load({ ...env, KAIZEN_AUTH_INTROSPECTION_CLIENT_ID: 'kaizen', KAIZEN_AUTH_INTROSPECTION_CLIENT_SECRET: 's3' }).introspection).toEqual({
      url: 'https://auth.acme.dev/introspect',
      clientId: 'kaizen',
      clientSecret: 's3',
    });
  });

  it('refuses oauth without KAIZEN_PUBLIC_URL, naming it and the fix', () => {
    expect(errorOf({ KAIZEN_AUTH_ISSUER: 'https://auth.acme.dev' })).toMatch(/^Invalid configuration: KAIZEN_PUBLIC_URL must be set when OAuth is on .*e\.g\. https:\/\/kaizen\.acme\.dev/);
    expect(errorOf({ KAIZEN_AUTH: 'oauth', KAIZEN_PUBLIC_URL: 'https://k.acme.dev' })).toMatch(/^Invalid configuration: KAIZEN_AUTH_ISSUER must be set when KAIZEN_AUTH=oauth/);
  });

  it('refuses insecure or malformed URLs', () => {
    expect(errorOf({ KAIZEN_AUTH_ISSUER: 'http://auth.acme.dev' })).toMatch(/^Invalid configuration: KAIZEN_AUTH_ISSUER must be .* https:\/\//);
    expect(errorOf({ KAIZEN_AUTH_ISSUER: 'https://a.dev', KAIZEN_PUBLIC_URL: 'kaizen.acme.dev' })).toMatch(/KAIZEN_PUBLIC_URL must be the URL clients reach Kaizen at/);
    expect(errorOf({ KAIZEN_AUTH_ISSUER: 'https://a.dev', KAIZEN_PUBLIC_URL: 'https://k.dev/?x=1' })).toMatch(/KAIZEN_PUBLIC_URL/);
    expect(errorOf({ KAIZEN_AUTH: 'maybe' })).toMatch(/KAIZEN_AUTH must be none or oauth/);
  });

  it('never puts the introspection secret in an error message', () => {
    const secret = 'Sup3r-S3cret-Value';
    const base = { KAIZEN_AUTH_INTROSPECTION_CLIENT_SECRET: secret };
    const refused = [
      { ...base }, // a secret without a client id
      { ...base, KAIZEN_AUTH_INTROSPECTION_CLIENT_ID: 'kaizen', KAIZEN_AUTH_ISSUER: 'https://a.dev' }, // no public URL
      { ...base, KAIZEN_AUTH_INTROSPECTION_CLIENT_ID: 'kaizen', KAIZEN_AUTH: 'oauth', KAIZEN_PUBLIC_URL: 'https://k.dev' }, // no issuer
      { ...base, KAIZEN_AUTH_INTROSPECTION_URL: 'not a url' },
    ];
    for (const env of refused) expect(errorOf(env)).not.toContain(secret);
    // A secret put in the URL instead is refused; loadConfig redacts its password (***) when quoting it.
    const inUrl = { KAIZEN_AUTH_INTROSPECTION_URL: `https://kaizen:${secret}@a.dev/i` };
    expect(errorOf(inUrl)).toMatch(/^Invalid configuration: KAIZEN_AUTH_INTROSPECTION_URL must be .*without credentials/);
    expect(Object.values(authConfig.describe).join(' ')).not.toContain(secret);
  });
});

describe('scopes and protected resource metadata', () => {
  it('expands scopes hierarchically and ignores unknown ones', () => {
    expect(expandScopes(['kaizen:admin'])).toEqual([...KAIZEN_SCOPES]);
    expect(expandScopes(['openid', 'kaizen:write', 'kaizen:read'])).toEqual(['kaizen:read', 'kaizen:write']);
    expect(expandScopes(['kaizen:superuser', 'read'])).toEqual([]);
    expect(hasScope(['kaizen:write'], 'kaizen:read')).toBe(true);
    expect(hasScope(['kaizen:write'], 'kaizen:admin')).toBe(false);
    expect(hasScope([], 'kaizen:read')).toBe(false);
  });

  it('describes the resource for RFC 9728', () => {
    expect(protectedResourceMetadata({ resource: 'https://k.dev/mcp', issuer: 'https://auth.dev/' })).toEqual({
      resource: 'https://k.dev/mcp',
      authorization_servers: ['https://auth.dev/'],
      scopes_supported: ['kaizen:read', 'kaizen:write', 'kaizen:admin'],
      bearer_methods_supported: ['header'],
      resource_name: 'Kaizen',
    });
    expect(protectedResourceMetadata({ resource: 'https://k.dev/mcp' }).authorization_servers).toEqual([]);
  });
});
