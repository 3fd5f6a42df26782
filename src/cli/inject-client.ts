import type { AppInstance } from '../platform/http/types.js';
import type { ApiClient } from '../simulation/world-loader.js';

/** An API client that calls the app in-process (no socket), with the given key. */
export function injectClient(app: AppInstance, apiKey: string): ApiClient {
  return {
    async request(method, url, options = {}) {
      const headers: Record<string, string> = {};
      if (options.withKey !== false) headers.authorization = `Bearer ${apiKey}`;
      let payload: string | undefined;
      if (options.json !== undefined) {
        headers['content-type'] = 'application/json';
        payload = JSON.stringify(options.json);
      } else if (options.body !== undefined) {
        headers['content-type'] = options.contentType ?? 'application/octet-stream';
        payload = options.body;
      }
      const res = await app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
      let body: unknown = res.body;
      try {
        body = res.json();
      } catch {
        // Not JSON (an empty 204): keep the text.
      }
      return { status: res.statusCode, body };
    },
  };
}

/** The same over the network, for loading a world into a running server. */
export function fetchClient(baseUrl: string, apiKey: string): ApiClient {
  return {
    async request(method, url, options = {}) {
      const headers: Record<string, string> = {};
      if (options.withKey !== false) headers.authorization = `Bearer ${apiKey}`;
      let body: string | undefined;
      if (options.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(options.json);
      } else if (options.body !== undefined) {
        headers['content-type'] = options.contentType ?? 'application/octet-stream';
        body = options.body;
      }
      const res = await fetch(new URL(url, baseUrl), { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // keep the text
      }
      return { status: res.status, body: parsed };
    },
  };
}
