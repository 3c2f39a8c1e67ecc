import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '@ree/embedded'
import { createTestDatabase } from '@ree/testing'
import t from 'tap'

// A write service killed with SIGKILL in the middle of a burst of commands.
const root = resolve(import.meta.dirname, '../..')
const db = await createTestDatabase()
t.teardown(() => db.drop())

async function startDeposits() {
  const port = await freePort()
  // With KAFKA_BROKERS (the test run starts a broker) the service writes outbox rows and relays them.
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url, PORT: String(port), LOG_LEVEL: 'warn' }
  const child = spawn(process.execPath, ['services/deposits/src/main.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const base = `http://127.0.0.1:${port}`
  for (let attempt = 0; attempt < 200; attempt++) {
    const ready = await fetch(`${base}/health/ready`).then(
      (response) => response.ok,
      () => false,
    )
    if (ready) return { child, base }
    await sleep(50)
  }
  throw new Error('the deposits service did not become ready')
}

const COMMANDS = 400
const CONCURRENCY = 8
const KILL_AFTER = 60
const register = (n: number) => ({
  id: `crash-${n}`,
  name: `Crash ${n}`,
  country: 'FI',
  effectiveDate: '2025-01-01',
  sources: [{ publisher: 'test' }],
})
const send = (base: string, n: number) =>
  fetch(`${base}/v1/deposits`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `crash-test-${n}` },
    body: JSON.stringify(register(n)),
  }).then(
    async (response) => ({ n, status: response.status, body: (await response.json()) as { eventIds?: string[] } }),
    () => ({ n, status: 0, body: {} as { eventIds?: string[] } }),
  )

t.test('every command answered 2xx is stored with its outbox row, and nothing else is', async (t) => {
  const first = await startDeposits()
  const answers: Array<Awaited<ReturnType<typeof send>>> = []
  let next = 0
  let killed = false
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < COMMANDS) {
        const answer = await send(first.base, next++)
        answers.push(answer)
        if (!killed && answers.filter((entry) => entry.status === 201).length >= KILL_AFTER) {
          killed = true
          first.child.kill('SIGKILL')
        }
      }
    }),
  )
  await new Promise((done) =>
    first.child.exitCode !== null || first.child.signalCode ? done(0) : first.child.once('exit', done),
  )
  const accepted = answers.filter((answer) => answer.status === 201)
  const unanswered = answers.filter((answer) => answer.status === 0)
  t.ok(accepted.length >= KILL_AFTER, `${accepted.length} answered 201 before the kill`)
  t.ok(unanswered.length > 0, `${unanswered.length} got no answer`)
  t.same(
    answers.filter((answer) => answer.status !== 201 && answer.status !== 0),
    [],
    'every answer was a 201 or none',
  )

  const events = await db.pool.query(
    `SELECT e.subject, e.event_id::text AS event_id, o.event_id IS NOT NULL AS in_outbox
       FROM deposits.events e LEFT JOIN deposits.outbox o USING (event_id)`,
  )
  const stored = new Map(events.rows.map((row) => [row.event_id as string, row]))
  for (const answer of accepted) {
    for (const eventId of answer.body.eventIds ?? []) {
      if (!stored.get(eventId)?.in_outbox) t.fail(`command ${answer.n}: event ${eventId} or its outbox row is missing`)
    }
  }
  t.ok(
    events.rows.every((row) => row.in_outbox),
    'every stored event has its outbox row',
  )
  const orphans = await db.pool.query(
    'SELECT count(*)::int AS n FROM deposits.outbox o LEFT JOIN deposits.events e USING (event_id) WHERE e.event_id IS NULL',
  )
  t.equal(orphans.rows[0].n, 0, 'no outbox row without its event')
  const acceptedIds = new Set(accepted.map((answer) => `crash-${answer.n}`))
  const unansweredIds = new Set(unanswered.map((answer) => `crash-${answer.n}`))
  const extra = events.rows.map((row) => row.subject as string).filter((subject) => !acceptedIds.has(subject))
  t.same(
    extra.filter((subject) => !unansweredIds.has(subject)),
    [],
    'besides the 201s, only commands whose answer the kill cut off may have committed',
  )
  t.equal(
    events.rows.length,
    new Set(events.rows.map((row) => row.subject)).size,
    'one event per command, no duplicate',
  )

  // The clients retry what got no answer, with the same Idempotency-Key: each ends applied exactly once.
  const second = await startDeposits()
  t.teardown(() => void second.child.kill('SIGKILL'))
  const retried = await Promise.all(unanswered.map((answer) => send(second.base, answer.n)))
  t.same(
    retried.filter((answer) => answer.status !== 201),
    [],
    'every retry answers 201 (first applied, or replayed)',
  )
  const after = await db.pool.query('SELECT count(*)::int AS n, count(DISTINCT subject)::int AS d FROM deposits.events')
  t.equal(after.rows[0].n, accepted.length + unanswered.length, 'each command sent is stored once')
  t.equal(after.rows[0].d, after.rows[0].n)
})
