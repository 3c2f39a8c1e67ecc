import {
  type CloudEvent,
  Coordinates,
  CountryCode,
  countryName,
  DepositStage,
  decodeEvent,
  depositsContext,
  ElementGrade,
  IsoDate,
  Operator,
  ProductionReport,
  ResourceEstimate,
} from '@ree/contracts'
import { z } from 'zod'
import { blockingViewFields, withBlocking, withUnblocking } from '../blocking.ts'
import { CoordinatesFact, Fact, factOf, withCorrections } from '../fact.ts'

export const StageChange = Fact.extend({
  kind: z.enum(['registered', 'advanced', 'reversed']),
  stage: DepositStage,
  from: DepositStage.optional(),
  reason: z.string().optional(),
}).meta({ id: 'StageChange' })

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
    ...blockingViewFields,
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
    case 'DepositBlocked':
      return { ...withBlocking(view, event, domainEvent.data), ...base }
    case 'DepositUnblocked':
      return { ...withUnblocking(view, event, domainEvent.data), ...base }
    case 'DepositFactRetracted':
      return view
    default: {
      const unexpected: never = domainEvent
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}
