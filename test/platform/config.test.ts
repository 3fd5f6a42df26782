import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config.js';

describe('config', () => {
  it('defaults to the embedded database with demo data', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, databaseUrl: null, demo: true, logLevel: 'info' });
    expect(config.dataDir).toMatch(/\.data$/);
  });

  it('turns demo data off by default when PostgreSQL is configured', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://x@localhost/db' }).demo).toBe(false);
  });

  it('converts and validates environment strings', () => {
    expect(loadConfig({ PORT: '8080', DEMO: 'false', BODY_LIMIT_BYTES: '2048' })).toMatchObject({ port: 8080, demo: false, bodyLimitBytes: 2048 });
  });

  it('names each invalid variable', () => {
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toContain('PORT');
      expect(message).toContain('LOG_LEVEL');
    }
  });
});
