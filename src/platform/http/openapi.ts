import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { RouteOptions } from 'fastify';
import { stringify } from 'yaml';
import type { AppInstance } from './types.js';

export const API_TAGS = [
  { name: 'health', description: 'Liveness and readiness probes' },
  { name: 'tenant', description: 'The calling creditor and its API keys' },
] as const;

export async function registerOpenApi(app: AppInstance, extraTags: { name: string; description: string }[], version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Draagkracht API',
        version,
        description:
          'Early, humane and affordable receivables management: consented bank data, payment-behaviour data points, affordability, risk scores and repayment plans. Errors are RFC 9457 problem+json with a stable `code`.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: '/' }],
      tags: [...API_TAGS, ...extraTags],
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key: `Authorization: Bearer dk_…`' } },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true }, staticCSP: true });
}

/** Adds the OpenAPI security requirement from the route's auth declaration. */
export function documentRouteSecurity(route: RouteOptions): void {
  const auth = route.config?.auth;
  if (!route.schema || !auth || auth === 'public' || auth === 'link-token') return;
  const schema = route.schema as Record<string, unknown>;
  schema.security = [{ apiKey: [] }];
  const roles = auth.roles.join(', ');
  const description = typeof schema.description === 'string' ? schema.description : '';
  if (!description.includes('Roles:')) schema.description = `${description}${description ? '\n\n' : ''}Roles: ${roles}.`;
}

export function openApiYaml(app: AppInstance): string {
  const document = app.swagger();
  return stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
}
