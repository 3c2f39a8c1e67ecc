import type { z } from 'zod'
import type { CloudEvent } from './cloudevent.ts'

/** One event of a bounded context: its domain name, its CloudEvents type, its data schema. */
export interface EventDefinition<Name extends string = string, Data extends z.ZodType = z.ZodType> {
  name: Name
  type: string
  data: Data
}

export function defineEvent<const Name extends string, Data extends z.ZodType>(
  name: Name,
  type: string,
  data: Data,
): EventDefinition<Name, Data> {
  return { name, type, data }
}

/**
 * Reads an event stored as an older version as the current one. Stored events are never
 * rewritten: every reader (store, projection, Kafka consumer) upcasts on read.
 */
export interface Upcaster {
  /** The old definition, still documented for consumers that read old messages. */
  from: EventDefinition
  to: string
  data: (data: Record<string, unknown>) => Record<string, unknown>
}

export function defineUpcaster(from: EventDefinition, to: EventDefinition, data: Upcaster['data']): Upcaster {
  return { from, to: to.type, data }
}

/** A bounded context as consumers see it: where its events come from and go. */
export interface ContextDefinition<Events extends readonly EventDefinition[] = readonly EventDefinition[]> {
  /** `deposits`, `deals`, `trade-flows`. */
  name: string
  /** The CloudEvents `source` of its events. */
  source: string
  /** The Kafka topic its events are published on. */
  topic: string
  /** The Postgres schema that holds its event store. */
  schema: string
  events: Events
  /** How events stored as an older version are read. */
  upcasters?: readonly Upcaster[]
}

/**
 * The domain event a definition describes: `{ type: 'DepositRegistered', data }`, with
 * `metadata` when it was read back from the store (a decider's new events have none yet).
 */
export type DomainEventOf<Def> =
  Def extends EventDefinition<infer Name, infer Data>
    ? { type: Name; data: z.output<Data>; metadata?: { effectiveDate: string } }
    : never

/** Metadata every stored event carries besides its data. */
export interface EventMetadata {
  effectiveDate: string
  correlationId: string
  causationId: string
}

export class UnknownEventTypeError extends Error {
  readonly eventType: string
  constructor(eventType: string) {
    super(`unknown event type "${eventType}"`)
    this.eventType = eventType
  }
}

/**
 * Turns a CloudEvent back into its domain event, validating the data against its
 * schema: a payload read from a topic or a table is untrusted input.
 */
export function decodeEvent<Events extends readonly EventDefinition[]>(
  context: ContextDefinition<Events>,
  stored: CloudEvent,
): DomainEventOf<Events[number]> {
  // A timeline folds the same events again for every later fact: each is validated once.
  const known = decoded.get(stored)
  if (known) return known as DomainEventOf<Events[number]>
  const result = decodeUncached(context, stored)
  decoded.set(stored, result)
  return result
}

const decoded = new WeakMap<CloudEvent, unknown>()

function decodeUncached<Events extends readonly EventDefinition[]>(
  context: ContextDefinition<Events>,
  stored: CloudEvent,
): DomainEventOf<Events[number]> {
  const event = upcast(context, stored)
  const definition = context.events.find((candidate) => candidate.type === event.type)
  if (!definition) throw new UnknownEventTypeError(event.type)
  return {
    type: definition.name,
    data: definition.data.parse(event.data),
    metadata: { effectiveDate: event.effectivedate },
  } as unknown as DomainEventOf<Events[number]>
}

export function eventTypeOf(context: ContextDefinition, name: string): string {
  const definition = context.events.find((candidate) => candidate.name === name)
  if (!definition) throw new UnknownEventTypeError(name)
  return definition.type
}

/** The event as its context's current version reads it; an event already current is returned as it is. */
export function upcast(context: ContextDefinition, event: CloudEvent): CloudEvent {
  let current = event
  for (let step = 0; step < 10; step += 1) {
    const upcaster = context.upcasters?.find((candidate) => candidate.from.type === current.type)
    if (!upcaster) return current
    // No validation here: a reader validates the event it decodes, so a bad old row is one poison event, not a stuck stream.
    current = { ...current, type: upcaster.to, data: upcaster.data(current.data) }
  }
  throw new Error(`upcasters of ${event.type} loop`)
}
