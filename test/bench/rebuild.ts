/**
 * The rate of a rebuild without downtime: every read model rebuilt from the event
 * stores of the benchmark's ledger (beside the live tables, then switched), in events
 * per second. Run by `pnpm bench` after its writes, before the as-of fill (which
 * writes read-model rows that no event backs).
 */
import { performance } from 'node:perf_hooks'
import { ledgerContexts } from '@ree/contracts'
import { migrateReadModels, projectEvent, readModelsSql } from '@ree/read-models'
import { rebuildReadModels } from '@ree/transport'
import { pino } from 'pino'

export async function measureRebuild(databaseUrl: string): Promise<Record<string, Record<string, string>>> {
  const started = performance.now()
  const result = await rebuildReadModels({
    databaseUrl,
    sources: ledgerContexts,
    schemaSql: readModelsSql,
    migrate: migrateReadModels,
    handler: projectEvent,
    logger: pino({ level: 'silent' }),
  })
  const seconds = (performance.now() - started) / 1000
  return {
    'rebuild of every read model': {
      events: String(result.events),
      'failed events': String(result.failed),
      'took (scratch database, replay, copy, switch)': `${seconds.toFixed(1)} s`,
      'events per second': String(result.eventsPerSecond),
    },
  }
}
