/** The API version in OpenAPI and responses; bumped with package.json's version. */
export const SERVICE_VERSION = '0.1.0';
