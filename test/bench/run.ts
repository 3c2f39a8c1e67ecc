/**
 * `pnpm bench`: throughput and latency of the embedded ledger on this machine, on a
 * real PostgreSQL. Numbers, not assertions: shared machines are noisy, so speed is
 * measured here and never asserted in the tests.
 */
import { rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { buildLedger, startEmbeddedPostgres } from '@ree/embedded'
import { eventually, withApiKey } from '@ree/testing'
import { pino } from 'pino'
import { measureAppend } from './append.ts'
import { fillDeposits, recordedFromOf } from './as-of.ts'
import { measureFreshness } from './freshness.ts'
import { measureRebuild } from './rebuild.ts'

const root = resolve(import.meta.dirname, '../..')
const commands = Number(process.env.BENCH_COMMANDS ?? 2000)
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16)
const asOfDeposits = Number(process.env.BENCH_ASOF_DEPOSITS ?? 100_000)
const asOfReads = Number(process.env.BENCH_ASOF_READS ?? 500)

const dataDir = resolve(root, '.data', `bench-postgres-${process.pid}`)
const postgres = await startEmbeddedPostgres({ dataDir })
const ledger = await buildLedger({
  databaseUrl: postgres.url,
  logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
  // The benchmark is one client sending as fast as it can: no rate limit applies to it.
  trust: { rateLimit: { perKey: 1_000_000, perAddress: 1_000_000 } },
})
const api = withApiKey(ledger.gateway, ledger.keys.issue('editor', 'bench'))

const appends = Number(process.env.BENCH_APPENDS ?? 500)
console.log('\nEvent-store append beside a plain INSERT of the same rows, same run, one transaction per append:')
console.table(
  await measureAppend(postgres.url, [
    { writers: 1, eventsPerAppend: 1, appends },
    { writers: 1, eventsPerAppend: 10, appends },
    { writers: 8, eventsPerAppend: 1, appends },
    { writers: 8, eventsPerAppend: 10, appends },
  ]),
)

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
  const result = await ledger.pool.query(
    `SELECT count(*)::int AS n FROM read_models.deposit_streams WHERE id LIKE 'bench-%' AND version > 0`,
  )
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
console.table(report)
console.table(await measureRebuild(postgres.url))

// As-of reads at scale, each beside the same current read in the same run.
const log = (line: string) => process.stderr.write(`${line}\n`)
const fillStarted = performance.now()
const states = await fillDeposits(ledger, asOfDeposits, log)
const fillSeconds = (performance.now() - fillStarted) / 1000
async function measure(url: string): Promise<number[]> {
  for (let n = 0; n < 50; n++) await api.inject(url)
  const latencies: number[] = []
  for (let n = 0; n < asOfReads; n++) {
    const response = await timed(() => api.inject(url), latencies)
    if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}: ${response.body}`)
  }
  return latencies
}
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length
const middleN = Math.floor(asOfDeposits / 2)
const middle = `gen-${String(middleN).padStart(6, '0')}`
// As known after its second event was recorded.
const middleKnownAt = new Date(recordedFromOf(middleN) + 90_000).toISOString()
const pairs = [
  [
    'filtered list (country, 20 items)',
    '/v1/deposits?country=US&limit=20',
    '/v1/deposits?country=US&limit=20&asOf=2015-06-01',
  ],
  [
    'filtered list, as known at a past time',
    '/v1/deposits?country=US&limit=20',
    '/v1/deposits?country=US&limit=20&asOf=2015-06-01&recordedAsOf=2025-01-01T12:00:00Z',
  ],
  [
    'list by element (array filter)',
    '/v1/deposits?element=Nd&limit=20',
    '/v1/deposits?element=Nd&limit=20&asOf=2015-06-01',
  ],
  ['detail', `/v1/deposits/${middle}`, `/v1/deposits/${middle}?asOf=2015-06-01`],
  [
    'detail, as known at a past time',
    `/v1/deposits/${middle}`,
    `/v1/deposits/${middle}?asOf=2015-06-01&recordedAsOf=${middleKnownAt}`,
  ],
] as const
const asOfReport: Record<string, Record<string, string>> = {}
for (const [name, current, asOf] of pairs) {
  const currentLatencies = await measure(current)
  const asOfLatencies = await measure(asOf)
  asOfReport[name] = {
    current: ms(currentLatencies),
    'as of': ms(asOfLatencies),
    'ratio of means (as of / current)': (mean(asOfLatencies) / mean(currentLatencies)).toFixed(2),
  }
}
console.log(
  `\nAs-of reads over ${asOfDeposits} generated deposits (${states} state rows, written in ${fillSeconds.toFixed(0)} s); ${asOfReads} sequential reads each, through the gateway in-process (inject):`,
)
console.table(asOfReport)
console.table(await measureFreshness(postgres.url))
await ledger.close()
await postgres.stop()
await rm(dataDir, { recursive: true, force: true })
