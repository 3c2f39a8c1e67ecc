import { CloudEventEnvelope, type ContextDefinition } from '@ree/contracts'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'

const pascal = (text: string) => text.replace(/(^|[-.])([a-z])/g, (_, __, letter: string) => letter.toUpperCase())

/**
 * AsyncAPI 3.0 for consumers who subscribe to the topics directly, generated from
 * the same zod schemas that validate the events: every topic, its key, and each
 * event type's CloudEvent with its data schema.
 */
export function asyncApiDocument(contexts: readonly ContextDefinition[]) {
  const channels: Record<string, unknown> = {}
  const operations: Record<string, unknown> = {}
  const messages: Record<string, unknown> = {}
  // Contexts that share a topic (facilities on the deposits topic) share its channel.
  const channelOfTopic = new Map<string, string>()
  for (const context of contexts) {
    const shared = channelOfTopic.get(context.topic)
    const channel = shared ?? pascal(context.name)
    channelOfTopic.set(context.topic, channel)
    const refs: Record<string, { $ref: string }> = {}
    const legacy = (context.upcasters ?? []).map((upcaster) => ({
      definition: upcaster.from,
      key: `${upcaster.from.name}${versionSuffix(upcaster.from.type)}`,
      note: ` Stored before ${upcaster.to}; still on the topic for old events, and read as ${upcaster.to} by the ledger's own consumers (upcast on read).`,
    }))
    const current = context.events.map((definition) => ({ definition, key: definition.name as string, note: '' }))
    for (const { definition, key, note } of [...current, ...legacy]) {
      messages[key] = {
        name: definition.name,
        title: definition.type,
        contentType: 'application/cloudevents+json',
        summary: `${definition.type} on ${context.topic}.${note}`,
        headers: {
          type: 'object',
          properties: {
            'content-type': { type: 'string', const: 'application/cloudevents+json; charset=utf-8' },
            'ce-type': { type: 'string', const: definition.type },
            'correlation-id': { type: 'string', format: 'uuid' },
            'causation-id': { type: 'string', format: 'uuid' },
            traceparent: { type: 'string', description: 'W3C trace context of the request that caused it' },
          },
        },
        payload: z.toJSONSchema(
          CloudEventEnvelope.extend({
            type: z.literal(definition.type),
            source: z.literal(context.source),
            data: definition.data,
          }),
          { target: 'draft-7', io: 'output', unrepresentable: 'any' },
        ),
        bindings: { kafka: { key: { type: 'string', description: 'The aggregate id (the CloudEvent subject)' } } },
      }
      refs[key] = { $ref: `#/components/messages/${key}` }
    }
    if (shared) {
      const sharedChannel = channels[shared] as { messages: Record<string, unknown>; description: string }
      Object.assign(sharedChannel.messages, refs)
      sharedChannel.description += ` It carries the ${context.name} events too (types \`${typePrefix(context)}*\`).`
      const operation = operations[`receive${shared}`] as { messages: Array<{ $ref: string }> }
      operation.messages.push(...Object.keys(refs).map((name) => ({ $ref: `#/channels/${shared}/messages/${name}` })))
      continue
    }
    channels[channel] = {
      address: context.topic,
      title: `${context.name} events`,
      description: `Every event of the ${context.name} context, keyed by aggregate id (per-aggregate order), retained without limit.`,
      messages: refs,
      bindings: { kafka: { topicConfiguration: { 'retention.ms': -1, 'retention.bytes': -1 } } },
    }
    channels[`${channel}DeadLetters`] = {
      address: `${context.topic}.dlq`,
      title: `${context.name} dead letters`,
      description: 'Events the projection could not apply, as received, with the error that set them aside.',
      messages: { DeadLetter: { $ref: '#/components/messages/DeadLetter' } },
    }
    operations[`receive${channel}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${channel}` },
      messages: Object.keys(refs).map((name) => ({ $ref: `#/channels/${channel}/messages/${name}` })),
    }
  }
  messages.DeadLetter = {
    name: 'DeadLetter',
    title: 'A message the projection set aside',
    summary: 'The original key, value and headers, unchanged (the value may not even be JSON), plus dlq-* headers.',
    headers: {
      type: 'object',
      required: ['dlq-error', 'dlq-topic', 'dlq-partition', 'dlq-offset'],
      properties: {
        'dlq-error': { type: 'string', description: 'Why it could not be applied' },
        'dlq-topic': { type: 'string' },
        'dlq-partition': { type: 'string' },
        'dlq-offset': { type: 'string' },
      },
    },
    payload: { description: 'The original message value, as received' },
    bindings: { kafka: { key: { type: 'string', description: 'The original key' } } },
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Rare Earth Ledger events',
      version: '1.0.0',
      description:
        'CloudEvents 1.0 in structured JSON mode. `effectivedate` is when it happened in the world, `time` when the ledger recorded it; every event carries its `sources` and `confidence` in `data`.',
    },
    defaultContentType: 'application/cloudevents+json',
    servers: {
      kafka: { host: 'localhost:9092', protocol: 'kafka', description: 'Wherever KAFKA_BROKERS points' },
    },
    channels,
    operations,
    components: { messages },
  }
}

export async function registerAsyncApi(app: FastifyInstance, contexts: readonly ContextDefinition[]): Promise<void> {
  const document = asyncApiDocument(contexts)
  app.get('/asyncapi.json', { schema: { hide: true } }, async () => document)
}

/** `V1` from `ree.deposit.stage-advanced.v1`: names an old version's message beside the current one. */
function versionSuffix(type: string): string {
  return type.slice(type.lastIndexOf('.') + 1).toUpperCase()
}

/** `ree.facility.` from a context's first event type: what its types on a shared topic begin with. */
function typePrefix(context: ContextDefinition): string {
  const type = context.events[0]?.type ?? ''
  return type.slice(0, type.indexOf('.', type.indexOf('.') + 1) + 1)
}
