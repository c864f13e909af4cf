// Facade of the protocol layer.
export * from './codec.js';
export { ApiKey, API_SCHEMA_VERSIONS, type ApiKeyName } from './generated/api-keys.js';
export { ErrorCode, ERROR_NAMES, type ErrorCodeName } from './generated/error-codes.js';
export { ByteReader } from './byte-reader.js';
export { ByteWriter } from './byte-writer.js';
