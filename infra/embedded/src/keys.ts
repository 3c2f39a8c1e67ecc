import { addKeysToFile, KeyStore, type TrustConfig } from '@ree/gateway'
import { existsSync } from 'node:fs'
import type { Logger } from 'pino'

/**
 * The embedded default's keys: those configured, or on a first start with none, an
 * editor and an admin key created into the keys file (only their hashes) and printed once.
 */
export async function keysForFirstStart(config: TrustConfig & { API_KEYS_FILE: string }, logger: Logger) {
  if (config.API_KEYS.length === 0 && !existsSync(config.API_KEYS_FILE)) {
    const issued = await addKeysToFile(config.API_KEYS_FILE, [
      { role: 'editor', name: 'editor' },
      { role: 'admin', name: 'admin' },
    ])
    process.stdout.write(
      [
        '',
        'First start: two API keys were created. They are shown this once; only their SHA-256 is kept, in the keys file.',
        ...issued.map(({ role, key }) => `  ${role.padEnd(7)} ${key}`),
        'Commands need the editor key, the Operations routes the admin key; reads need none:',
        `  curl -H 'Authorization: Bearer ${issued[0]?.key}' -H 'content-type: application/json' -d '{…}' …/v1/deposits`,
        'More keys: `pnpm keys new <role> <name>`; revoke one: `pnpm keys revoke <name>` (no restart needed).',
        '',
      ].join('\n'),
    )
  }
  return new KeyStore({
    keys: config.API_KEYS,
    file: config.API_KEYS_FILE,
    onReloadError: (error) =>
      logger.error({ err: error }, 'the keys file could not be read again; the keys loaded before stay'),
  })
}
