import { randomUUID } from 'node:crypto'
import type { CloudEvent } from '@ree/contracts'
import { createTestDatabase } from '@ree/testing'
import t from 'tap'
import { depositModel, migrateReadModels, projectEvent, watchReadModels } from '../src/index.ts'

const db = await createTestDatabase()
t.teardown(() => db.drop())
await migrateReadModels(db.pool)

const registered = (id: string): CloudEvent => ({
  specversion: '1.0',
  id: randomUUID(),
  source: '/ree/deposits',
  type: 'ree.deposit.registered.v1',
  subject: id,
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  streamversion: 1,
  effectivedate: '2025-01-01',
  correlationid: randomUUID(),
  causationid: randomUUID(),
  data: {
    depositId: id,
    name: id,
    country: 'CA',
    elements: [],
    coProducts: [],
    operators: [],
    stage: 'exploration',
    sources: [{ publisher: 'Test Gazette' }],
    confidence: 'normal',
  },
})

async function project(event: CloudEvent) {
  const client = await db.pool.connect()
  try {
    await client.query('BEGIN')
    await projectEvent(client, event)
    await client.query('COMMIT')
  } finally {
    client.release()
  }
}

t.test('a wait is woken by the projection’s notification, not by its poll', async (t) => {
  // A poll of a minute: only the notification at commit can end this wait within its bound.
  const watch = watchReadModels(db.pool, { pollMs: 60_000 })
  t.teardown(() => watch.close())
  const waiting = watch.reached(depositModel, 'woken', 1, 30_000)
  setTimeout(() => void project(registered('woken')), 200)
  t.equal(await waiting, true, 'the write arrived and the wait saw it')
  t.equal(await watch.reached(depositModel, 'woken', 1, 0), true, 'a version already there answers at once')
})

t.test(
  'a wait ends false at its bound when the write never comes; a write of another entity does not satisfy it',
  async (t) => {
    const watch = watchReadModels(db.pool, { pollMs: 20 })
    t.teardown(() => watch.close())
    t.equal(await watch.reached(depositModel, 'never', 1, 100), false)
    // Another entity's write wakes nobody waiting on this one, and the waits still end.
    const other = watch.reached(depositModel, 'still-never', 1, 150)
    await project(registered('elsewhere'))
    t.equal(await other, false)
  },
)
