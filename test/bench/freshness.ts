/**
 * Freshness over Kafka at a steady 20 commands/s: from sending a command to the
 * write service to its event arriving at a Kafka consumer, with the relay woken by
 * each commit (LISTEN/NOTIFY), beside the baseline of the relay that polled every
 * 100 ms, measured in the same run. Run by `pnpm bench`, or alone: `node test/bench/freshness.ts`.
 */
import { rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { depositsContext } from '@ree/contracts'
import { buildDepositsApp } from '@ree/deposits'
import { startEmbeddedPostgres } from '@ree/embedded'
import { eventually } from '@ree/testing'
import { createKafka, ensureTopics, type OutboxRelayOptions, relayToKafka } from '@ree/transport'
import pg from 'pg'
import { pino } from 'pino'
import { startKafka } from '../../infra/kafka/kafka.ts'

const rate = 20
const commandsPerRun = Number(process.env.BENCH_FRESHNESS_COMMANDS ?? 200)

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

export async function measureFreshness(serverUrl: string): Promise<Record<string, Record<string, string>>> {
  const name = `bench_freshness_${process.pid}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const logger = pino({ level: 'silent' })
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 })
  const broker = await startKafka()
  const kafka = createKafka({ brokers: [broker.brokers], clientId: 'bench-freshness', logger })
  await ensureTopics(kafka, [depositsContext.topic], { partitions: 3 })
  const app = await buildDepositsApp({ pool, logger, horizonYears: 2 })
  app.decorate('relaysOutbox', true)
  await app.ready()
  const report: Record<string, Record<string, string>> = {}
  try {
    const modes: Array<[string, Pick<OutboxRelayOptions, 'wakeOnCommit' | 'pollIntervalMs'>]> = [
      ['baseline: relay polls every 100 ms', { wakeOnCommit: false, pollIntervalMs: 100 }],
      ['relay woken on commit (LISTEN/NOTIFY)', {}],
    ]
    for (const [label, tuning] of modes) {
      const prefix = `fresh-${modes.findIndex(([other]) => other === label)}-`
      const sent = new Map<string, number>()
      const arrived = new Map<string, number>()
      const consumer = kafka.consumer({ groupId: `bench-freshness-${prefix}${process.pid}` })
      const joined = new Promise<void>((done) => consumer.on(consumer.events.GROUP_JOIN, () => done()))
      await consumer.connect()
      await consumer.subscribe({ topic: depositsContext.topic, fromBeginning: true })
      await consumer.run({
        eachMessage: async ({ message }) => {
          const key = message.key?.toString() ?? ''
          if (key.startsWith(prefix) && !arrived.has(key)) arrived.set(key, performance.now())
        },
      })
      await joined
      const { relay, broker: probe } = await relayToKafka({
        pool,
        context: depositsContext,
        brokers: broker.brokers,
        partitions: 3,
        logger,
        tuning,
      })
      const started = performance.now()
      for (let n = 0; n < commandsPerRun; n++) {
        await sleep(Math.max(0, started + (n * 1000) / rate - performance.now()))
        const id = `${prefix}${n}`
        sent.set(id, performance.now())
        void app.inject({
          method: 'POST',
          url: '/v1/deposits',
          payload: { id, name: id, country: 'CA', effectiveDate: '2025-01-01', sources: [{ publisher: 'bench' }] },
        })
      }
      await eventually(async () => (arrived.size === commandsPerRun ? true : undefined), 60_000)
      await relay.stop()
      probe.stop()
      await consumer.disconnect()
      const latencies = [...sent].map(([id, at]) => (arrived.get(id) ?? Number.NaN) - at).sort((a, b) => a - b)
      report[`freshness over Kafka, ${label}`] = {
        commands: `${commandsPerRun} at ${rate}/s`,
        'command → Kafka consumer': `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
      }
    }
  } finally {
    await app.close()
    await pool.end()
    await broker.stop()
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
  return report
}

if (import.meta.main) {
  const dataDir = resolve(import.meta.dirname, '../..', '.data', `bench-freshness-${process.pid}`)
  const postgres = await startEmbeddedPostgres({ dataDir })
  try {
    console.table(await measureFreshness(postgres.url))
  } finally {
    await postgres.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}
