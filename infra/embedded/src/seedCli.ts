import { resolve } from 'node:path'
import { loadConfig } from '@ree/platform'
import { z } from 'zod'
import { loadSeeds } from './seed.ts'

/** Loads `seeds/` through a running gateway (distributed mode), like any client, with an editor key. */
const config = loadConfig(
  z.object({
    GATEWAY_URL: z.url().default('http://127.0.0.1:3000'),
    API_KEY: z.string().min(1).meta({ description: 'An editor key of that gateway' }),
  }),
  process.env,
)
const result = await loadSeeds(
  new URL(config.GATEWAY_URL),
  resolve(import.meta.dirname, '../../../seeds'),
  config.API_KEY,
)
process.stdout.write(`${JSON.stringify(result)}\n`)
