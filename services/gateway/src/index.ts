export { buildGatewayApp, type GatewayDeps } from './app.ts'
export { type CommandClient, httpCommandClient, inProcessCommandClient } from './commandClient.ts'
export {
  addKeysToFile,
  generateKey,
  hashKey,
  KeyStore,
  type Principal,
  Role,
  revokeKeyInFile,
  roleAllows,
  type StoredKey,
} from './trust/apiKeys.ts'
export { keyStoreFrom, TrustConfig, trustOptionsFrom } from './trust/config.ts'
export { type Access, accessOf, type TrustOptions } from './trust/plugin.ts'
