import { ledgerContexts } from '@ree/contracts'
import { buildDealsApp } from '@ree/deals'
import { buildDepositsApp } from '@ree/deposits'
import { buildGatewayApp, inProcessCommandClient, KeyStore, type TrustOptions } from '@ree/gateway'
import { createPool } from '@ree/platform'
import { buildProjectionApp } from '@ree/projection'
import { buildTradeFlowsApp } from '@ree/trade-flows'
import { postgresLogTransport } from '@ree/transport'
import type { Logger } from 'pino'

export interface LedgerOptions {
  databaseUrl: string
  logger: Logger
  /** How many years ahead an effective date may lie (default 2). */
  horizonYears?: number
  /** Events behind head beyond which the ledger is not ready. */
  maxLag?: number
  /** The API keys the gateway accepts (none by default: only the seed loader's). */
  keys?: KeyStore
  /** Read access, rate limits and CORS (defaults: reads open, the default limits, CORS off). */
  trust?: Partial<Omit<TrustOptions, 'keys' | 'unlimited'>>
}

const SEED_LOADER = 'seed-loader'

/**
 * Every service in one process on one database: the write services, the projection
 * on the Postgres-log transport, and the gateway, which reaches the write services
 * in-process. The same apps run one per process in distributed mode.
 */
export async function buildLedger(options: LedgerOptions) {
  const { logger } = options
  const pool = createPool(options.databaseUrl, logger, 20)
  const keys = options.keys ?? new KeyStore()
  // The seeds go through the same command path as any client, with a key that lives only in this process.
  const seedKey = keys.issue('editor', SEED_LOADER)
  const horizon = options.horizonYears === undefined ? {} : { horizonYears: options.horizonYears }
  const deposits = await buildDepositsApp({ pool, logger, ...horizon })
  const deals = await buildDealsApp({ pool, logger, ...horizon })
  const tradeFlows = await buildTradeFlowsApp({ pool, logger, ...horizon })
  const transport = postgresLogTransport({
    pool,
    subscription: 'read-models',
    sources: [...ledgerContexts],
    logger,
  })
  const maxLag = options.maxLag ?? 10_000
  const projection = await buildProjectionApp({ pool, transport, logger, maxLag })
  const gateway = await buildGatewayApp({
    pool,
    logger,
    commands: {
      deposits: inProcessCommandClient(deposits),
      deals: inProcessCommandClient(deals),
      tradeFlows: inProcessCommandClient(tradeFlows),
    },
    trust: {
      reads: 'open',
      rateLimit: { perKey: 1200, perAddress: 300 },
      corsOrigins: [],
      ...options.trust,
      keys,
      unlimited: new Set([SEED_LOADER]),
    },
    readiness: {
      projection: async () => {
        if (!transport.isRunning()) throw new Error('the projection is not running')
        const behind = (await transport.lag()).reduce((sum, lag) => sum + lag.behind, 0)
        if (behind > maxLag) throw new Error(`the projection is ${behind} events behind head (PROJECTION_MAX_LAG=${maxLag})`)
      },
    },
  })
  await Promise.all([deposits.ready(), deals.ready(), tradeFlows.ready(), projection.ready()])
  return {
    gateway,
    pool,
    keys,
    seedKey,
    async close() {
      await gateway.close()
      keys.close()
      await projection.close()
      await deposits.close()
      await deals.close()
      await tradeFlows.close()
      await pool.end()
    },
  }
}
export type Ledger = Awaited<ReturnType<typeof buildLedger>>
