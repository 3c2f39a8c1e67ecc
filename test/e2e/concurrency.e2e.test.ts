import { buildLedger } from '@ree/embedded'
import { createTestDatabase, withApiKey } from '@ree/testing'
import { pino } from 'pino'
import t from 'tap'

// N clients write to one deposit at once: each version is won by exactly one of them.
const db = await createTestDatabase()
const ledger = await buildLedger({ databaseUrl: db.url, logger: pino({ level: 'silent' }) })
t.teardown(async () => {
  await ledger.close()
  await db.drop()
})
const api = withApiKey(ledger.gateway, ledger.keys.issue('editor', 'concurrency'))
const CLIENTS = 8
const ROUNDS = 5
const id = 'contended-ridge'
const estimate = (client: number, round: number) => ({
  effectiveDate: '2025-02-01',
  sources: [{ publisher: `client ${client}`, title: `round ${round}` }],
  estimate: { category: 'resource', oreTonnes: 1000 + client },
})
const publish = (client: number, round: number, headers: Record<string, string> = {}) =>
  api.inject({
    method: 'POST',
    url: `/v1/deposits/${id}/resource-estimates`,
    headers,
    payload: estimate(client, round),
  })
const accepted: Array<{ version: number; eventIds: string[] }> = []

const created = await api.inject({
  method: 'POST',
  url: '/v1/deposits',
  payload: { id, name: 'Contended Ridge', country: 'AU', effectiveDate: '2025-01-01', sources: [{ publisher: 'x' }] },
})
accepted.push({ version: 1, eventIds: created.json().eventIds })

t.test('with If-Match: one winner per version, the others 409 or 412', async (t) => {
  for (let round = 0; round < ROUNDS; round++) {
    const version = accepted.length
    const answers = await Promise.all(
      Array.from({ length: CLIENTS }, (_, client) => publish(client, round, { 'if-match': `"${version}"` })),
    )
    const won = answers.filter((answer) => answer.statusCode === 200)
    t.equal(won.length, 1, `round ${round}: one of ${CLIENTS} wins version ${version + 1}`)
    t.same(won[0]?.json().streamVersion, version + 1)
    t.same(
      answers
        .filter((answer) => answer.statusCode !== 200)
        .map((answer) => answer.statusCode)
        .filter((s) => s !== 409 && s !== 412),
      [],
      'the rest are 409 or 412',
    )
    for (const answer of won) accepted.push({ version: answer.json().streamVersion, eventIds: answer.json().eventIds })
  }
})

t.test('without If-Match: every success has a version of its own, every failure is a 409', async (t) => {
  for (let round = 0; round < ROUNDS; round++) {
    const answers = await Promise.all(Array.from({ length: CLIENTS }, (_, client) => publish(client, 100 + round)))
    const won = answers.filter((answer) => answer.statusCode === 200)
    t.ok(won.length >= 1, `round ${round}: ${won.length} of ${CLIENTS} appended`)
    t.same(
      answers
        .filter((answer) => answer.statusCode !== 200)
        .map((answer) => answer.statusCode)
        .filter((s) => s !== 409),
      [],
      'the rest are 409',
    )
    for (const answer of won) accepted.push({ version: answer.json().streamVersion, eventIds: answer.json().eventIds })
  }
  const versions = accepted.map((entry) => entry.version).sort((a, b) => a - b)
  t.same(
    versions,
    Array.from({ length: versions.length }, (_, index) => index + 1),
    'no version won twice',
  )
})

t.test('the stream has the accepted commands’ events, versions without gaps, and nothing else', async (t) => {
  const stored = await db.pool.query(
    `SELECT event_id::text AS id, stream_version FROM deposits.events WHERE stream_id = $1 ORDER BY stream_version`,
    [`deposit-${id}`],
  )
  t.same(
    stored.rows.map((row) => Number(row.stream_version)),
    Array.from({ length: accepted.length }, (_, index) => index + 1),
    `versions 1…${accepted.length}, no gap`,
  )
  t.same(stored.rows.map((row) => row.id).sort(), accepted.flatMap((entry) => entry.eventIds).sort())
  const read = await api.inject(`/v1/deposits/${id}?minVersion=${accepted.length}`)
  t.equal(read.statusCode, 200)
  t.equal(read.json().version, accepted.length, 'the read model reached the last accepted version')
  t.equal(
    read.json().resourceEstimates.length,
    accepted.length - 1,
    'the state holds every accepted estimate, and only those',
  )
})
