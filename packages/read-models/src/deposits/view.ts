import {
  BlockingAuthority,
  BlockingKind,
  type CloudEvent,
  Coordinates,
  CountryCode,
  decodeEvent,
  DepositStage,
  depositsContext,
  ElementGrade,
  IsoDate,
  Operator,
  ProductionReport,
  ResourceEstimate,
  countryName,
} from '@ree/contracts'
import { z } from 'zod'
import { CoordinatesFact, definedFields, Fact, factOf, withCorrections } from '../fact.ts'
import { dayAfter, LAST_DAY } from '../temporal.ts'

export const StageChange = Fact.extend({
  kind: z.enum(['registered', 'advanced', 'reversed']),
  stage: DepositStage,
  from: DepositStage.optional(),
  reason: z.string().optional(),
}).meta({ id: 'StageChange' })

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

export const DepositView = z
  .object({
    id: z.string(),
    name: z.string(),
    country: CountryCode,
    countryName: z.string(),
    region: z.string().optional(),
    coordinates: Coordinates.optional(),
    coordinatesFact: CoordinatesFact.optional(),
    depositType: z.string().optional(),
    operators: z.array(Operator),
    elements: z.array(ElementGrade),
    coProducts: z.array(z.string()),
    stage: DepositStage,
    stageSince: IsoDate,
    stageHistory: z.array(StageChange),
    blocked: z
      .boolean()
      .meta({ description: 'Whether a law, regulator or court blocks or suspends it on the date read' }),
    blocking: Blocking.optional().meta({ description: 'The blocking in force on the date read' }),
    blockingHistory: z.array(BlockingChange),
    resourceEstimates: z.array(z.object({ estimate: ResourceEstimate }).extend(Fact.shape)),
    production: z.array(z.object({ report: ProductionReport }).extend(Fact.shape)),
    registration: Fact,
    version: z.number().int().meta({ description: 'Stream version; the ETag of this deposit' }),
    lastRecordedAt: z.string(),
  })
  .meta({ id: 'Deposit' })
export type DepositView = z.output<typeof DepositView>

/**
 * The query side's own fold: pure, so the projection stores it and `asOf` reads
 * replay it over the history. Events before registration leave it undefined.
 */
export function evolveDepositView(view: DepositView | undefined, event: CloudEvent): DepositView | undefined {
  const domainEvent = decodeEvent(depositsContext, event)
  const base = { version: event.streamversion, lastRecordedAt: event.time }
  if (domainEvent.type === 'DepositRegistered') {
    const data = domainEvent.data
    const fact = factOf(event, data)
    const registered: DepositView = {
      id: data.depositId,
      name: data.name,
      country: data.country,
      countryName: countryName(data.country),
      operators: data.operators,
      elements: data.elements,
      coProducts: data.coProducts,
      stage: data.stage,
      stageSince: event.effectivedate,
      stageHistory: [{ kind: 'registered', stage: data.stage, ...fact }],
      blocked: false,
      blockingHistory: [],
      resourceEstimates: [],
      production: [],
      registration: fact,
      ...base,
    }
    if (data.region !== undefined) registered.region = data.region
    if (data.coordinates !== undefined) {
      registered.coordinates = data.coordinates
      registered.coordinatesFact = fact
    }
    if (data.depositType !== undefined) registered.depositType = data.depositType
    return registered
  }
  if (!view) return undefined
  switch (domainEvent.type) {
    case 'DepositDetailsCorrected':
      return withCorrections(view, domainEvent.data.changes, base, factOf(event, domainEvent.data))
    case 'ResourceEstimatePublished':
      return {
        ...view,
        resourceEstimates: [
          ...view.resourceEstimates,
          { estimate: domainEvent.data.estimate, ...factOf(event, domainEvent.data) },
        ],
        ...base,
      }
    case 'DepositStageAdvanced':
    case 'DepositStageReversed': {
      const to = domainEvent.data.stage
      const change: z.output<typeof StageChange> = {
        kind: domainEvent.type === 'DepositStageAdvanced' ? 'advanced' : 'reversed',
        stage: to,
        from: view.stage,
        ...factOf(event, domainEvent.data),
      }
      if (domainEvent.type === 'DepositStageReversed') change.reason = domainEvent.data.reason
      return {
        ...view,
        stage: to,
        stageSince: event.effectivedate,
        stageHistory: [...view.stageHistory, change],
        ...base,
      }
    }
    case 'ProductionReported':
      return {
        ...view,
        production: [...view.production, { report: domainEvent.data.production, ...factOf(event, domainEvent.data) }],
        ...base,
      }
    case 'DepositOperatorsChanged':
      return { ...view, operators: domainEvent.data.operators, ...base }
    case 'DepositBlocked': {
      const fact = factOf(event, domainEvent.data)
      const said = definedFields(domainEvent.data, ['until', 'reason'] as const)
      const { kind, authority, legalReference } = domainEvent.data
      const blocking: Blocking = { kind, authority, legalReference, ...said, ...fact }
      const change: BlockingChange = { kind, legalReference, ...said, ...fact }
      return { ...view, blocked: true, blocking, blockingHistory: [...view.blockingHistory, change], ...base }
    }
    case 'DepositUnblocked': {
      const change: BlockingChange = {
        kind: 'unblocked',
        ...definedFields(domainEvent.data, ['legalReference', 'reason'] as const),
        ...factOf(event, domainEvent.data),
      }
      const { blocking: _lifted, ...rest } = view
      return { ...rest, blocked: false, blockingHistory: [...view.blockingHistory, change], ...base }
    }
    case 'DepositFactRetracted':
      return view
    default: {
      const unexpected: never = domainEvent
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}

/**
 * A suspension with an end runs out after its last day: from the next day the deposit
 * is no longer blocked, with no event to say so.
 */
export function lapseOfBlocking(view: DepositView): { on: string; view: DepositView } | undefined {
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
  return { on, view: { ...rest, blocked: false, blockingHistory: [...view.blockingHistory, lapsed] } }
}
