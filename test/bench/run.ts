/**
 * `pnpm bench`: throughput and latency of the embedded ledger on this machine, on a
 * real PostgreSQL. Numbers, not assertions: shared machines are noisy, so speed is
 * measured here and never asserted in the tests.
 */
import { rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { buildLedger, startEmbeddedPostgres } from '@ree/embedded'
import { eventually } from '@ree/testing'
import { pino } from 'pino'

const root = resolve(import.meta.dirname, '../..')
const commands = Number(process.env.BENCH_COMMANDS ?? 2000)
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16)

const dataDir = resolve(root, '.data', `bench-postgres-${process.pid}`)
const postgres = await startEmbeddedPostgres({ dataDir })
const ledger = await buildLedger({
  databaseUrl: postgres.url,
  logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
})
const api = ledger.gateway

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

async function timed<T>(run: () => Promise<T>, latencies: number[]): Promise<T> {
  const started = performance.now()
  const result = await run()
  latencies.push(performance.now() - started)
  return result
}

const writeLatencies: number[] = []
let next = 0
const writeStarted = performance.now()
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < commands) {
      const n = next++
      const response = await timed(
        () =>
          api.inject({
            method: 'POST',
            url: '/v1/deposits',
            payload: {
              id: `bench-${n}`,
              name: `Bench ${n}`,
              country: 'CA',
              elements: [{ element: 'Nd' }],
              effectiveDate: '2025-01-01',
              sources: [{ publisher: 'bench' }],
            },
          }),
        writeLatencies,
      )
      if (response.statusCode !== 201) throw new Error(`command ${n} answered ${response.statusCode}`)
    }
  }),
)
const writeSeconds = (performance.now() - writeStarted) / 1000
await eventually(async () => {
  const result = await ledger.pool.query(`SELECT count(*)::int AS n FROM read_models.deposits WHERE id LIKE 'bench-%'`)
  return result.rows[0].n === commands ? true : undefined
}, 120_000)
const projectedSeconds = (performance.now() - writeStarted) / 1000

const readLatencies: number[] = []
for (let n = 0; n < 500; n++) await timed(() => api.inject(`/v1/deposits/bench-${n}`), readLatencies)
const listLatencies: number[] = []
for (let n = 0; n < 200; n++)
  await timed(() => api.inject('/v1/deposits?country=CA&element=Nd&limit=50'), listLatencies)

const ms = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`
}
const report = {
  commands,
  concurrency,
  'commands per second': Math.round(commands / writeSeconds),
  'command latency': ms(writeLatencies),
  'all commands in the read model after': `${projectedSeconds.toFixed(2)} s`,
  'detail read latency': ms(readLatencies),
  'filtered list latency (50 items)': ms(listLatencies),
  'resident memory': `${Math.round(process.memoryUsage().rss / 1024 / 1024)} MiB`,
}
await ledger.close()
await postgres.stop()
await rm(dataDir, { recursive: true, force: true })
console.table(report)
