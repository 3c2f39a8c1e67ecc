/**
 * As-of reads at scale: the deposits read model filled with the states of generated
 * deposits, each with 3–10 events (stage advances, some learned late and inserted in
 * the past, estimates, production, operator changes), then current and as-of reads of
 * a filtered list and a detail, each measured beside the same current read in the same
 * run. The states are the ones the projection writes: `statesOfHistory` folds each
 * history exactly as the projection's step does, one event at a time (a test holds the
 * two equal), and writing them in bulk only skips the event-at-a-time transactions.
 */
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { type CloudEvent, depositsContext, eventTypeOf } from '@ree/contracts'
import type { Ledger } from '@ree/embedded'
import {
  depositModel,
  dropTemporalIndexesSql,
  insertStates,
  type StateRow,
  statesOfHistory,
  temporalIndexesSql,
} from '@ree/read-models'

const countries = [
  'AU',
  'BR',
  'CA',
  'CN',
  'GL',
  'IN',
  'KZ',
  'MG',
  'MN',
  'MW',
  'MY',
  'NA',
  'RU',
  'SE',
  'TZ',
  'US',
  'VN',
  'ZA',
]
const stages = ['discovered', 'exploration', 'feasibility', 'permitting', 'construction', 'production'] as const
const elements = ['La', 'Ce', 'Pr', 'Nd', 'Sm', 'Dy', 'Tb', 'Y']

/** A small deterministic generator, so every run measures the same data. */
function random(seed: number) {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  }
}

const provenance = { sources: [{ publisher: 'Generated for the benchmark' }], confidence: 'normal' }

function dateOf(year: number, day: number): string {
  return new Date(Date.UTC(year, 0, 1 + day)).toISOString().slice(0, 10)
}

/** One deposit's history: 3–10 events in record order, some dated before facts recorded earlier. */
export function generatedHistory(n: number, next: () => number, recordedFrom: number): CloudEvent[] {
  const id = `gen-${String(n).padStart(6, '0')}`
  const count = 3 + Math.floor(next() * 8)
  const events: Array<{ type: string; date: string; data: Record<string, unknown> }> = []
  let year = 2005 + Math.floor(next() * 10)
  let stage = 1
  events.push({
    type: 'DepositRegistered',
    date: dateOf(year, 0),
    data: {
      depositId: id,
      name: `Generated ${n}`,
      country: countries[n % countries.length],
      elements: elements.filter(() => next() < 0.5).map((element) => ({ element })),
      coProducts: [],
      operators: [{ name: `Operator ${n % 97}`, role: 'operator' }],
      stage: stages[stage],
      ...provenance,
    },
  })
  let skipped: number | undefined
  while (events.length < count) {
    year += 1 + Math.floor(next() * 2)
    const roll = next()
    if (roll < 0.45 && stage < stages.length - 1) {
      const to = Math.min(stages.length - 1, stage + 1 + (next() < 0.3 ? 1 : 0))
      if (to > stage + 1 && skipped === undefined) skipped = stage + 1
      stage = to
      events.push({
        type: 'DepositStageAdvanced',
        date: dateOf(year, 30),
        data: { depositId: id, stage: stages[stage], ...provenance },
      })
    } else if (roll < 0.55 && skipped !== undefined) {
      // A stage learned late: it happened between two recorded ones.
      const before = events.find((event) => event.data.stage === stages[(skipped ?? 0) + 1])
      const date = before ? dateOf(Number(before.date.slice(0, 4)) - 1, 100) : dateOf(year, 100)
      if (date > (events[0]?.date ?? '')) {
        events.push({
          type: 'DepositStageAdvanced',
          date,
          data: { depositId: id, stage: stages[skipped], ...provenance },
        })
      }
      skipped = undefined
    } else if (roll < 0.8) {
      events.push({
        type: 'ResourceEstimatePublished',
        date: dateOf(year, 60),
        data: {
          depositId: id,
          estimate: {
            category: 'resource',
            classification: 'inferred',
            oreTonnes: Math.round(next() * 1e8),
            bound: 'exact',
          },
          ...provenance,
        },
      })
    } else {
      events.push({
        type: 'DepositOperatorsChanged',
        date: dateOf(year, 90),
        data: {
          depositId: id,
          operators: [{ name: `Operator ${n % 89}`, role: 'operator' }],
          previous: [],
          ...provenance,
        },
      })
    }
  }
  return events.map((event, index) => ({
    specversion: '1.0',
    id: randomUUID(),
    source: depositsContext.source,
    type: eventTypeOf(depositsContext, event.type),
    subject: id,
    time: new Date(recordedFrom + index * 60_000).toISOString(),
    datacontenttype: 'application/json',
    streamversion: index + 1,
    effectivedate: event.date,
    correlationid: randomUUID(),
    causationid: randomUUID(),
    data: event.data,
  }))
}

/** When the generated deposit `n` was first recorded; each later event a minute after the one before. */
export function recordedFromOf(n: number): number {
  return Date.parse('2025-01-01T00:00:00Z') + n * 1000
}

/** Fills the deposits read model with `count` generated deposits, as the projection would have. */
export async function fillDeposits(ledger: Ledger, count: number, log: (line: string) => void): Promise<number> {
  const next = random(42)
  let states = 0
  let events: CloudEvent[] = []
  let rows: StateRow[] = []
  const flush = async () => {
    await ledger.pool.query(
      `INSERT INTO read_models.deposit_events (id, stream_version, effective_date, recorded_at, event)
       SELECT e->>'subject', (e->>'streamversion')::int, (e->>'effectivedate')::date, (e->>'time')::timestamptz, e
       FROM jsonb_array_elements($1::jsonb) e`,
      [JSON.stringify(events)],
    )
    await ledger.pool.query(
      `INSERT INTO read_models.deposit_streams (id, version, recorded_at)
       SELECT e->>'subject', max((e->>'streamversion')::int), max((e->>'time')::timestamptz)
       FROM jsonb_array_elements($1::jsonb) e GROUP BY 1`,
      [JSON.stringify(events)],
    )
    await insertStates(ledger.pool, depositModel, rows)
    states += rows.length
    events = []
    rows = []
  }
  const started = performance.now()
  // A bulk load builds the constraint and the indexes once at the end, as a restore would.
  await ledger.pool.query(dropTemporalIndexesSql(depositModel))
  for (let n = 0; n < count; n++) {
    const history = generatedHistory(n, next, recordedFromOf(n))
    events.push(...history)
    rows.push(...statesOfHistory(depositModel, history))
    if (events.length >= 5000) await flush()
    if ((n + 1) % 20_000 === 0)
      log(`as-of: ${n + 1} deposits generated (${((performance.now() - started) / 1000).toFixed(0)} s)`)
  }
  await flush()
  log(`as-of: ${states} states written; building the constraint and indexes`)
  await ledger.pool.query(temporalIndexesSql(depositModel))
  await ledger.pool.query('ANALYZE read_models.deposit_states, read_models.deposit_events, read_models.deposit_streams')
  return states
}
