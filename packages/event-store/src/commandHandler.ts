import {
  type AggregateState,
  type ContextDefinition,
  type DecidedEvent,
  decideOnTimeline,
  decodeEvent,
  type DomainEventOf,
  type EventDefinition,
  type RetractFact,
  type TimelineDecider,
  type TimelineEntry,
} from '@ree/contracts'
import type pg from 'pg'
import { appendToStream } from './appendToStream.ts'
import { ConcurrencyError, IdempotencyKeyReusedError, PreconditionFailedError } from './errors.ts'
import { readStream } from './readStream.ts'

/** A pure decider: no I/O, no clock; its facts take their place in valid time. */
export type Decider<
  Command,
  Event extends { type: string; data: unknown },
  State extends AggregateState,
> = TimelineDecider<Command, Event, State>

export interface CommandMetadata {
  /** When the command's facts happened; a retraction takes the date of the fact it takes back. */
  effectiveDate: string | undefined
  correlationId: string
  causationId: string
  traceparent?: string | undefined
}

export interface HandleCommandOptions<
  Events extends readonly EventDefinition[],
  Command,
  State extends AggregateState,
> {
  pool: pg.Pool
  context: ContextDefinition<Events>
  streamId: string
  subject: string
  decider: Decider<Command, DomainEventOf<Events[number]>, State>
  command: Command | RetractFact
  metadata: CommandMetadata
  /** The stream version the client last saw (`If-Match`). */
  ifMatch?: number | '*' | undefined
  /** `Idempotency-Key` and a hash of the request it came with. */
  idempotency?: { key: string; requestHash: string } | undefined
  /** False where nothing relays the outbox (the embedded default): no outbox rows are written. */
  outbox?: boolean
}

export interface CommandResult {
  streamVersion: number
  eventIds: string[]
  /** True when an earlier request with the same `Idempotency-Key` already did this. */
  replayed: boolean
}

/**
 * Loads the aggregate's stream, runs the decider, and appends its events with their
 * outbox rows and the idempotency record, all in one transaction.
 */
export async function handleCommand<Events extends readonly EventDefinition[], Command, State extends AggregateState>(
  options: HandleCommandOptions<Events, Command, State>,
): Promise<CommandResult> {
  const { context, decider, idempotency } = options
  const client = await options.pool.connect()
  try {
    await client.query('BEGIN')
    if (idempotency) {
      const earlier = await claimIdempotencyKey(client, context.schema, idempotency)
      if (earlier) {
        await client.query('ROLLBACK')
        return { ...earlier, replayed: true }
      }
    }
    const history = await readStream(client, {
      schema: context.schema,
      source: context.source,
      streamId: options.streamId,
    })
    const version = history.length
    const matches = options.ifMatch === '*' ? version > 0 : options.ifMatch === version
    if (options.ifMatch !== undefined && !matches) throw new PreconditionFailedError(options.ifMatch, version)
    const timeline = history.map(
      (stored): TimelineEntry<DomainEventOf<Events[number]>> => ({
        event: decodeEvent(context, stored.event),
        eventId: stored.event.id,
        eventType: stored.event.type,
        effectiveDate: stored.event.effectivedate,
        streamVersion: stored.event.streamversion,
      }),
    )
    const events = decideOnTimeline(decider, timeline, options.command, options.metadata.effectiveDate)
    const result = await append(client, options, version, events)
    if (idempotency) {
      await client.query(`UPDATE ${context.schema}.idempotency_keys SET response = $2 WHERE key = $1`, [
        idempotency.key,
        JSON.stringify(result),
      ])
    }
    await client.query('COMMIT')
    return { ...result, replayed: false }
  } catch (error) {
    await client.query('ROLLBACK')
    // A race under If-Match: * is racing writers (409): `*` matched when the stream was read.
    if (error instanceof ConcurrencyError && options.ifMatch !== undefined && options.ifMatch !== '*') {
      throw new PreconditionFailedError(options.ifMatch, error.actualVersion ?? error.expectedVersion + 1)
    }
    throw error
  } finally {
    client.release()
  }
}

async function append<Events extends readonly EventDefinition[], Command, State extends AggregateState>(
  client: pg.ClientBase,
  options: HandleCommandOptions<Events, Command, State>,
  version: number,
  events: Array<DecidedEvent<DomainEventOf<Events[number]>>>,
): Promise<Omit<CommandResult, 'replayed'>> {
  if (events.length === 0) return { streamVersion: version, eventIds: [] }
  const { context, metadata } = options
  const appended = await appendToStream(client, {
    schema: context.schema,
    streamId: options.streamId,
    subject: options.subject,
    expectedVersion: version,
    ...(options.outbox === false ? {} : { outbox: { topic: context.topic } }),
    events: events.map(({ event, effectiveDate }) => {
      const definition = context.events.find((candidate) => candidate.name === event.type)
      if (!definition) throw new Error(`event ${event.type} is not in the ${context.name} catalog`)
      return {
        type: definition.type,
        data: definition.data.parse(event.data) as Record<string, unknown>,
        ...metadata,
        effectiveDate,
      }
    }),
  })
  return { streamVersion: appended.nextVersion, eventIds: appended.eventIds }
}

/**
 * Claims the key for this transaction. A concurrent request with the same key waits
 * on the unique index until this one commits, then finds the stored result.
 */
async function claimIdempotencyKey(
  client: pg.ClientBase,
  schema: string,
  idempotency: { key: string; requestHash: string },
): Promise<Omit<CommandResult, 'replayed'> | undefined> {
  const claimed = await client.query(
    `INSERT INTO ${schema}.idempotency_keys (key, request_hash) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
    [idempotency.key, idempotency.requestHash],
  )
  if (claimed.rowCount === 1) return undefined
  const earlier = await client.query<{ request_hash: string; response: Omit<CommandResult, 'replayed'> }>(
    `SELECT request_hash, response FROM ${schema}.idempotency_keys WHERE key = $1`,
    [idempotency.key],
  )
  const row = earlier.rows[0]
  if (!row || row.request_hash !== idempotency.requestHash) throw new IdempotencyKeyReusedError(idempotency.key)
  return row.response
}
