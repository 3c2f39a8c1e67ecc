import { addKeysToFile, KeyStore, type TrustConfig } from '@ree/gateway'
import { existsSync } from 'node:fs'
import type { Logger } from 'pino'

export interface IssuedKey {
  role: string
  key: string
}

/**
 * The embedded default's keys: those configured, or on a first start with none, an
 * editor and an admin key created into the keys file (only their hashes), returned so
 * that the start shows them once.
 */
export async function keysForFirstStart(
  config: TrustConfig & { API_KEYS_FILE: string },
  logger: Logger,
): Promise<{ keys: KeyStore; issued: IssuedKey[] }> {
  const issued =
    config.API_KEYS.length === 0 && !existsSync(config.API_KEYS_FILE)
      ? await addKeysToFile(config.API_KEYS_FILE, [
          { role: 'editor', name: 'editor' },
          { role: 'admin', name: 'admin' },
        ])
      : []
  const keys = new KeyStore({
    keys: config.API_KEYS,
    file: config.API_KEYS_FILE,
    onReloadError: (error) =>
      logger.error({ err: error }, 'the keys file could not be read again; the keys loaded before stay'),
  })
  return { keys, issued }
}

export const FIRST_START_KEYS =
  'First start: two API keys were created. They are shown this once; only their SHA-256 is kept, in the keys file.'

/** How a person at a terminal is shown the keys created on a first start. */
export function firstStartKeysText(issued: IssuedKey[]): string[] {
  return [
    FIRST_START_KEYS,
    ...issued.map(({ role, key }) => `  ${role.padEnd(7)} ${key}`),
    'Commands need the editor key, the Operations routes the admin key; reads need none:',
    `  curl -H 'Authorization: Bearer ${issued[0]?.key}' -H 'content-type: application/json' -d '{…}' …/v1/deposits`,
    'More keys: `pnpm keys new <role> <name>`; revoke one: `pnpm keys revoke <name>` (no restart needed).',
  ]
}
