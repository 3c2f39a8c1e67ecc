import { BlockingAuthority, BlockingKind, type blockingFields, type CloudEvent, IsoDate } from '@ree/contracts'
import { z } from 'zod'
import { definedFields, Fact, factOf } from './fact.ts'
import { dayAfter, LAST_DAY } from './temporal.ts'

export const Blocking = Fact.extend({
  kind: BlockingKind,
  authority: BlockingAuthority,
  legalReference: z.string(),
  until: IsoDate.optional().meta({ description: 'The last day of a suspension; it lapses the day after' }),
  reason: z.string().optional(),
}).meta({ id: 'Blocking', description: 'A blocking or suspension, dated the day it took effect' })
type Blocking = z.output<typeof Blocking>

export const BlockingChange = Fact.extend({
  kind: z.enum(['blocked', 'suspended', 'unblocked', 'lapsed']),
  legalReference: z.string().optional(),
  until: IsoDate.optional(),
  reason: z.string().optional(),
}).meta({
  id: 'BlockingChange',
  description:
    "`lapsed`: a suspension ran out after its last day, with no event; it carries the suspension's provenance",
})
type BlockingChange = z.output<typeof BlockingChange>

/** The fields a view of a deposit or a facility says its blocking with. */
export const blockingViewFields = {
  blocked: z
    .boolean()
    .meta({ description: 'Whether a law, regulator or court blocks or suspends it on the date read' }),
  blocking: Blocking.optional().meta({ description: 'The blocking in force on the date read' }),
  blockingHistory: z.array(BlockingChange),
}

export interface Blockable {
  blocked: boolean
  blocking?: Blocking | undefined
  blockingHistory: BlockingChange[]
}

type Provenanced = Parameters<typeof factOf>[1]
type BlockedData = z.output<z.ZodObject<typeof blockingFields>> & Provenanced
type UnblockedData = { legalReference?: string | undefined; reason?: string | undefined } & Provenanced

/** The view once a blocking takes effect. */
export function withBlocking<View extends Blockable>(view: View, event: CloudEvent, data: BlockedData): View {
  const fact = factOf(event, data)
  const said = definedFields(data, ['until', 'reason'] as const)
  const { kind, authority, legalReference } = data
  const blocking: Blocking = { kind, authority, legalReference, ...said, ...fact }
  const change: BlockingChange = { kind, legalReference, ...said, ...fact }
  return { ...view, blocked: true, blocking, blockingHistory: [...view.blockingHistory, change] }
}

/** The view once its blocking is lifted. */
export function withUnblocking<View extends Blockable>(view: View, event: CloudEvent, data: UnblockedData): View {
  const change: BlockingChange = {
    kind: 'unblocked',
    ...definedFields(data, ['legalReference', 'reason'] as const),
    ...factOf(event, data),
  }
  const { blocking: _lifted, ...rest } = view
  return { ...rest, blocked: false, blockingHistory: [...view.blockingHistory, change] } as View
}

/**
 * A suspension with an end runs out after its last day: from the next day the deposit
 * or facility is no longer blocked, with no event to say so.
 */
export function lapseOfBlocking<View extends Blockable>(view: View): { on: string; view: View } | undefined {
  const until = view.blocking?.until
  if (!view.blocking || until === undefined || until >= LAST_DAY) return undefined
  const on = dayAfter(until)
  const { blocking, ...rest } = view
  const {
    kind: _kind,
    authority: _authority,
    until: _until,
    reason: _reason,
    datePrecision: _precision,
    ...fact
  } = blocking
  const lapsed: BlockingChange = { ...fact, kind: 'lapsed', effectiveDate: on }
  return { on, view: { ...rest, blocked: false, blockingHistory: [...view.blockingHistory, lapsed] } as View }
}

/** The list filter on it: `true`, only those blocked or suspended on the date read; `false`, only the others. */
export const BlockedQuery = z
  .enum(['true', 'false'])
  .transform((value) => value === 'true')
  .optional()
  .meta({ description: '`true`: only those a law, regulator or court blocks or suspends on the date read' })
