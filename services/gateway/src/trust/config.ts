import { z } from 'zod'
import { KeyStore, parseKeysVariable, StoredKey } from './apiKeys.ts'
import type { TrustOptions } from './plugin.ts'

const PerMinute = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback)

/** The gateway's trust settings, from the environment (shared by the gateway and the embedded mode). */
export const TrustConfig = z.object({
  API_KEYS: z
    .string()
    .default('')
    .transform(parseKeysVariable)
    .pipe(z.array(StoredKey))
    .meta({ description: 'Comma-separated `name:role:sha256` entries (role reader, editor or admin)' }),
  API_KEYS_FILE: z.string().optional().meta({ description: 'A JSON keys file, read again whenever it changes' }),
  READ_ACCESS: z.enum(['open', 'reader']).default('open'),
  RATE_LIMIT_PER_KEY: PerMinute(1200),
  RATE_LIMIT_PER_ADDRESS: PerMinute(300),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url()))
    .meta({ description: 'Comma-separated origins browsers may call from; empty: CORS off' }),
})
export type TrustConfig = z.output<typeof TrustConfig>

export function keyStoreFrom(config: TrustConfig, onReloadError?: (error: unknown) => void): KeyStore {
  return new KeyStore({
    keys: config.API_KEYS,
    ...(config.API_KEYS_FILE ? { file: config.API_KEYS_FILE } : {}),
    ...(onReloadError ? { onReloadError } : {}),
  })
}

export function trustOptionsFrom(config: TrustConfig, keys: KeyStore): TrustOptions {
  return {
    keys,
    reads: config.READ_ACCESS,
    rateLimit: { perKey: config.RATE_LIMIT_PER_KEY, perAddress: config.RATE_LIMIT_PER_ADDRESS },
    corsOrigins: config.CORS_ORIGINS,
  }
}
