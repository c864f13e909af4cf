// Re-export of the generated api key table under the name the rest of the code imports.
export { ApiKey, API_SCHEMA_VERSIONS, type ApiKeyName } from './generated/api-keys.js';
