import { z } from 'zod'

/** RFC 9457 problem details, as every error of the API is answered. */
export const Problem = z
  .object({
    type: z.string().meta({ description: 'A stable URI reference naming the kind of problem' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'Each bad input field, as a dotted path such as `body.sources.0.url`' }),
    breaksAt: z
      .object({ eventId: z.string(), type: z.string(), effectiveDate: z.string(), streamVersion: z.number().int() })
      .optional()
      .meta({ description: 'For a timeline rule: the recorded fact that the command would make break it' }),
  })
  .meta({ id: 'Problem' })
export type Problem = z.infer<typeof Problem>

/** What every accepted command answers. */
export const CommandAccepted = z
  .object({
    id: z.string(),
    streamVersion: z.number().int().positive().meta({ description: 'The aggregate version after the command' }),
    eventIds: z.array(z.uuid()),
    consistencyToken: z.string().optional().meta({
      description:
        'Names this write (also sent as the Consistency-Token header): send it as `Consistency-Token` on any read to have the read wait until the read models include it',
    }),
  })
  .meta({ id: 'CommandAccepted' })
export type CommandAccepted = z.infer<typeof CommandAccepted>

/** W3C trace context (`traceparent`), version 00. */
export const TraceParent = z
  .string()
  .max(55)
  .regex(
    /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/,
    'must be a W3C traceparent, e.g. 00-<32 hex>-<16 hex>-01',
  )

/** Headers every command accepts. */
export const CommandHeaders = z.object({
  'if-match': z
    .string()
    .max(17)
    .regex(/^(?:"\d{1,15}"|\*)$/, 'must be a strong entity tag such as "3" (as sent in ETag), or *')
    .optional()
    .meta({
      description:
        'The ETag last read: the command applies only if the entity is still at that version; `*`: only if it exists',
      examples: ['"1"'],
    }),
  'idempotency-key': z
    .string()
    .min(8)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional()
    .meta({
      description: 'Makes retries safe: a repeated key with the same request answers the first result',
      examples: ['7f1c7e0e-register-ridge'],
    }),
  'x-correlation-id': z.uuid().optional().meta({ description: 'Carried into the events this command records' }),
  traceparent: TraceParent.optional().meta({
    description: 'W3C trace context, carried into the events and their Kafka messages; started here when absent',
    examples: ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
  }),
})

export function entityTag(version: number): string {
  return `"${version}"`
}

/** The version an `If-Match` names, `*` for any existing version, or undefined without the header. */
export function versionFromIfMatch(ifMatch: string | undefined): number | '*' | undefined {
  if (ifMatch === undefined || ifMatch === '*') return ifMatch
  return Number(ifMatch.slice(1, -1))
}
