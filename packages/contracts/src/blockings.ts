import { z } from 'zod'
import { CommandProvenance, IsoDate, LegalReference } from './common.ts'

/** A project stopped by a law, a regulator or a court: deposits and facilities alike. */
export const BlockingKind = z.enum(['blocked', 'suspended']).meta({
  id: 'BlockingKind',
  description:
    '`blocked`: stopped by a law, a refusal or a ruling, with no end in view; `suspended`: halted for a time, with an end date or until further notice',
})

export const BlockingAuthority = z
  .object({
    type: z.enum(['legislature', 'government', 'regulator', 'court']),
    name: z
      .string()
      .min(1)
      .max(200)
      .meta({ examples: ['Inatsisartut (Parliament of Greenland)'] }),
  })
  .strict()
  .meta({ id: 'BlockingAuthority', description: 'Who blocked or suspended the project' })

/** What a blocking says, besides its date (the day it takes effect) and provenance. */
export const blockingFields = {
  kind: BlockingKind,
  authority: BlockingAuthority,
  legalReference: LegalReference.meta({
    description: 'The law, decision or ruling that blocks it',
    examples: ['Act No. 20 (uranium ban), in force 2 December 2021'],
  }),
  until: IsoDate.optional().meta({
    description: 'The last day of a suspension; absent: until it is unblocked',
  }),
  reason: z.string().min(1).max(2000).optional(),
}

/** What an unblocking says. */
export const unblockingFields = {
  legalReference: LegalReference.optional(),
  reason: z.string().min(1).max(2000).optional(),
}

/** The body of a blocking command, as `id` names it in OpenAPI. */
export function blockBody(id: string) {
  return z
    .object(blockingFields)
    .extend(CommandProvenance.shape)
    .strict()
    .refine((body) => body.until === undefined || body.until >= body.effectiveDate, {
      message: 'until is the last day of the suspension: on or after effectiveDate',
      path: ['until'],
    })
    .refine((body) => body.until === undefined || body.kind === 'suspended', {
      message: 'only a suspension has an end date; a blocked project stays blocked until it is unblocked',
      path: ['until'],
    })
    .meta({
      id,
      examples: [
        {
          kind: 'suspended',
          authority: { type: 'court', name: 'Federal Court' },
          legalReference: 'Order 2026-17',
          until: '2026-08-31',
          effectiveDate: '2026-07-01',
          sources: [{ publisher: 'Example Gazette', url: 'https://example.org/order-2026-17' }],
        },
      ],
    })
}

export function unblockBody(id: string) {
  return z
    .object(unblockingFields)
    .extend(CommandProvenance.shape)
    .strict()
    .meta({
      id,
      examples: [
        {
          reason: 'stay lifted on appeal',
          effectiveDate: '2026-08-15',
          sources: [{ publisher: 'Example Gazette', url: 'https://example.org/appeal' }],
        },
      ],
    })
}
