// The benchmarks at tiny sizes, so that the harness `pnpm bench` runs cannot rot. Figures are not asserted here.
import { createTestDatabase } from '@ree/testing'
import t from 'tap'
import { measureAppend } from './append.ts'

const db = await createTestDatabase()
t.teardown(() => db.drop())

t.test('append: the ledger beside a plain INSERT, for each setting', async (t) => {
  const settings = [
    { writers: 1, eventsPerAppend: 1, appends: 4 },
    { writers: 2, eventsPerAppend: 3, appends: 4 },
  ]
  const rows = await measureAppend(db.url, settings)
  t.equal(rows.length, settings.length, 'one row per setting')
  for (const [index, row] of rows.entries()) {
    t.match(row, { writers: settings[index]?.writers, 'events per append': settings[index]?.eventsPerAppend })
    for (const figure of ['plain INSERT (events/s)', 'ledger append (events/s)', 'ratio (ledger / plain)']) {
      t.ok(Number.isFinite(row[figure]) && Number(row[figure]) > 0, `${figure} is a positive figure`)
    }
  }
  const left = await db.pool.query(
    `SELECT count(*)::int AS n FROM pg_namespace WHERE nspname IN ('bench_plain_insert', 'bench_ledger_append')`,
  )
  t.equal(left.rows[0].n, 0, 'the benchmark leaves no schema behind')
})
