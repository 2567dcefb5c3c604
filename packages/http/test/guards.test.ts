import { describe, expect, it } from 'vitest';
import { createGuard } from '../src/guards.js';

describe('createGuard', () => {
  it('on loopback accepts only loopback origins, on any port', () => {
    const guard = createGuard({ bindHost: '127.0.0.1' });
    expect(guard.warning).toBeUndefined();
    expect(guard.originAllowed('http://localhost:6274')).toBe(true);
    expect(guard.originAllowed('http://127.0.0.1:3400')).toBe(true);
    expect(guard.originAllowed('http://[::1]:3400')).toBe(true);
    expect(guard.originAllowed('http://evil.example')).toBe(false);
    expect(guard.originAllowed('http://localhost.evil.example')).toBe(false);
    expect(guard.originAllowed('not a url')).toBe(false);
  });

  it('uses the configured origins exactly, or any with *', () => {
    const guard = createGuard({ bindHost: '0.0.0.0', allowedHosts: ['kaizen.acme.dev'], allowedOrigins: ['https://app.acme.dev'] });
    expect(guard.warning).toBeUndefined();
    expect(guard.originAllowed('https://app.acme.dev')).toBe(true);
    expect(guard.originAllowed('http://app.acme.dev')).toBe(false);
    expect(guard.originAllowed('http://localhost:6274')).toBe(false); // loopback is not implied once a list is set
    expect(createGuard({ bindHost: '127.0.0.1', allowedOrigins: ['*'] }).originAllowed('https://anything.example')).toBe(true);
  });

  it('warns when bound beyond loopback without lists, naming the variables to set', () => {
    const guard = createGuard({ bindHost: '0.0.0.0' });
    expect(guard.warning).toMatch(/0\.0\.0\.0 without Host or Origin validation.*KAIZEN_HTTP_ALLOWED_HOSTS.*KAIZEN_HTTP_ALLOWED_ORIGINS/);
    expect(guard.originAllowed('https://anything.example')).toBe(true);
    expect(createGuard({ bindHost: '0.0.0.0', allowedHosts: ['kaizen'] }).warning).toMatch(/without Origin validation/);
  });
});
