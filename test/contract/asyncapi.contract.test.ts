import { createRequire } from 'node:module'
import { buildLedger } from '@ree/embedded'
import { createTestDatabase } from '@ree/testing'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import { pino } from 'pino'
import t from 'tap'

const require = createRequire(import.meta.url)
const asyncApi3Schema = require('@asyncapi/specs/schemas/3.0.0-without-$id.json')

const db = await createTestDatabase()
const ledger = await buildLedger({ databaseUrl: db.url, logger: pino({ level: 'silent' }) })
t.teardown(async () => {
  await ledger.close()
  await db.drop()
})
const response = await ledger.gateway.inject('/asyncapi.json')
const document = response.json()

t.test('the document is valid AsyncAPI 3.0', async (t) => {
  t.equal(response.statusCode, 200)
  t.equal(document.asyncapi, '3.0.0')
  const ajv = new Ajv.default({ strict: false, allErrors: true, validateFormats: false })
  addFormats.default(ajv)
  const valid = ajv.validate(asyncApi3Schema, document)
  t.same(valid ? [] : ajv.errors?.slice(0, 5), [], 'no validation errors')
})

t.test('every topic, its dead-letter topic, and every event type is described', async (t) => {
  const addresses = Object.values(document.channels as Record<string, { address: string }>).map(
    (channel) => channel.address,
  )
  for (const topic of ['ree.deposits.events.v1', 'ree.deals.events.v1', 'ree.trade-flows.events.v1']) {
    t.ok(addresses.includes(topic), `${topic} is a channel`)
    t.ok(addresses.includes(`${topic}.dlq`), `${topic}.dlq is a channel`)
  }
  t.ok(
    document.components.messages.DeadLetter.headers.properties['dlq-error'],
    'dead letters document their error header',
  )
  const registered = document.components.messages.DepositRegistered
  t.equal(registered.title, 'ree.deposit.registered.v1')
  t.equal(registered.bindings.kafka.key.type, 'string', 'the key is documented')
  t.same(registered.payload.properties.type, { type: 'string', const: 'ree.deposit.registered.v1' })
  t.ok(registered.payload.properties.data.properties.sources, 'the data schema comes from the contracts')
  t.ok(registered.payload.required.includes('effectivedate'))
  const deposits = Object.values(
    document.channels as Record<string, { address: string; messages: Record<string, { $ref: string }> }>,
  ).find((channel) => channel.address === 'ree.deposits.events.v1')
  for (const name of ['CountryFigureRecorded', 'CountryFactRetracted']) {
    t.ok(deposits?.messages[name], `country figures ride on the deposits topic: ${name}`)
  }
  t.same(document.components.messages.CountryFigureRecorded.payload.properties.source, {
    type: 'string',
    const: '/ree/deposits',
  })
  t.ok(deposits?.messages.FacilityRegistered, 'facility events ride on the deposits topic, and its channel names them')
  t.equal(
    Object.values(document.channels as Record<string, { address: string }>).filter(
      (channel) => channel.address === 'ree.deposits.events.v1',
    ).length,
    1,
    'one channel for the deposits topic',
  )
  const facility = document.components.messages.FacilityCapacityStated
  t.same(facility.payload.properties.source, { type: 'string', const: '/ree/deposits' }, 'with the deposits source')
  t.ok(facility.payload.properties.data.properties.capacity, 'and its data schema')
})

t.test('a real event validates against the payload schema AsyncAPI publishes for it', async (t) => {
  const created = await ledger.gateway.inject({
    method: 'POST',
    url: '/v1/deposits',
    headers: { authorization: `Bearer ${ledger.keys.issue('editor', 'asyncapi-check')}` },
    payload: {
      id: 'asyncapi-check',
      name: 'Check',
      country: 'NO',
      effectiveDate: '2025-01-01',
      sources: [{ publisher: 'x' }],
    },
  })
  t.equal(created.statusCode, 201)
  const history = (await ledger.gateway.inject('/v1/deposits/asyncapi-check/history?minVersion=1')).json()
  const ajv = new Ajv.default({ strict: false })
  addFormats.default(ajv)
  const validate = ajv.compile(document.components.messages.DepositRegistered.payload)
  t.ok(validate(history.items[0]), JSON.stringify(validate.errors))
})
