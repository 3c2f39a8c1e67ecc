import { resolve } from 'node:path'
import { addKeysToFile, hashKey, revokeKeyInFile, Role } from '@ree/gateway'
import { loadConfig } from '@ree/platform'
import { z } from 'zod'

/** `pnpm keys new <role> <name>` prints a new key once and stores its hash; `pnpm keys revoke <name>` removes one. */
const config = loadConfig(
  z.object({ DATA_DIR: z.string().default('.data'), API_KEYS_FILE: z.string().optional() }),
  process.env,
)
const root = resolve(import.meta.dirname, '../../..')
const file = resolve(root, config.API_KEYS_FILE ?? resolve(root, config.DATA_DIR, 'api-keys.json'))
const [command, ...args] = process.argv.slice(2)
if (command === 'new' && args.length === 2) {
  const [issued] = await addKeysToFile(file, [{ role: Role.parse(args[0]), name: z.string().parse(args[1]) }])
  if (!issued) throw new Error('no key was issued')
  process.stdout.write(
    [
      `${issued.role} key "${issued.name}", shown this once (only its hash is kept, in the keys file): ${issued.key}`,
      `the same key as an API_KEYS entry, for a gateway configured by environment: ${issued.name}:${issued.role}:${hashKey(issued.key)}`,
      '',
    ].join('\n'),
  )
} else if (command === 'revoke' && args.length === 1) {
  const removed = await revokeKeyInFile(file, args[0] ?? '')
  process.stdout.write(removed ? `key "${args[0]}" revoked\n` : `no key named "${args[0]}"\n`)
  process.exitCode = removed ? 0 : 1
} else {
  process.stderr.write('usage: pnpm keys new <reader|editor|admin> <name> | pnpm keys revoke <name>\n')
  process.exitCode = 2
}
