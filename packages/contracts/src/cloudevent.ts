import { z } from 'zod'
import { IsoDate } from './common.ts'
import { TraceParent } from './http.ts'

/**
 * CloudEvents 1.0, structured JSON mode, with the ledger's extension attributes
 * (lower-case letters and digits only, as the spec's naming convention requires).
 */
export const CloudEventEnvelope = z.object({
  specversion: z.literal('1.0'),
  id: z.uuid(),
  source: z.string().regex(/^\/ree\/[a-z-]+$/),
  type: z.string().regex(/^ree\.[a-z-]+\.[a-z-]+\.v\d+$/),
  subject: z.string().min(1).meta({ description: 'The aggregate id' }),
  time: z.iso.datetime({ offset: true }).meta({ description: 'When the ledger recorded it (record time)' }),
  datacontenttype: z.literal('application/json'),
  streamversion: z.number().int().positive().meta({ description: "The event's version within its aggregate's stream" }),
  effectivedate: IsoDate.meta({ description: 'When it happened in the world (valid time)' }),
  correlationid: z.uuid(),
  causationid: z.uuid(),
  traceparent: TraceParent.optional().meta({
    description: 'W3C trace context of the request that caused it (CloudEvents distributed tracing extension)',
  }),
})

export const CloudEvent = CloudEventEnvelope.extend({ data: z.record(z.string(), z.unknown()) }).meta({
  id: 'CloudEvent',
  description: 'A ledger event in CloudEvents 1.0 structured JSON mode',
})
export type CloudEvent<Data = Record<string, unknown>> = z.infer<typeof CloudEventEnvelope> & { data: Data }
