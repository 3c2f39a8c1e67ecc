import {
  type CloudEvent,
  CountryCode,
  DealMilestone,
  DealParty,
  DealReport,
  DealStatus,
  DealTerm,
  DealTermChanges,
  DealValue,
  dealProgressRank,
  dealStatusOfEvent,
  dealsContext,
  decodeEvent,
  IsoDate,
  isDealProgress,
  RareEarthElement,
  SupplyChainStage,
} from '@ree/contracts'
import { z } from 'zod'
import { Fact, factOf } from '../fact.ts'

export const DealStatusChange = Fact.extend({
  status: DealStatus,
  from: DealStatus.optional().meta({ description: 'The status before it on the timeline' }),
  statement: z.string().optional(),
  by: z.string().optional(),
}).meta({ id: 'DealStatusChange' })

export const DealView = z
  .object({
    id: z.string(),
    name: z.string(),
    summary: z.string().optional(),
    parties: z.array(DealParty),
    countries: z.array(CountryCode).meta({ description: "The parties' countries, each once, in code order" }),
    kinds: z.array(DealTerm),
    value: DealValue.optional().meta({ description: 'Absent when undisclosed' }),
    elements: z.array(RareEarthElement),
    commodities: z.array(z.string()),
    stages: z.array(SupplyChainStage),
    depositIds: z.array(z.string()),
    facilityIds: z.array(z.string()),
    status: DealStatus,
    binding: z.boolean().meta({ description: 'Whether the deal has been signed as binding' }),
    statusSince: IsoDate,
    date: IsoDate.meta({ description: 'When the deal first became known in the world: the date of its first status' }),
    statusHistory: z.array(DealStatusChange),
    amendments: z.array(
      Fact.extend({ changes: DealTermChanges, previous: DealTermChanges, description: z.string().optional() }),
    ),
    milestones: z.array(Fact.extend({ milestone: DealMilestone })),
    reports: z.array(Fact.extend({ report: DealReport })).meta({
      description:
        'Reports kept beside the recorded facts, each with its source and confidence, even where they disagree',
    }),
    version: z.number().int().meta({ description: 'Stream version; the ETag of this deal' }),
    lastRecordedAt: z.string(),
  })
  .meta({ id: 'Deal' })
export type DealView = z.output<typeof DealView>

function countriesOf(parties: DealView['parties']): string[] {
  return [...new Set(parties.flatMap((party) => (party.country ? [party.country] : [])))].sort()
}

function statusChange(
  event: CloudEvent,
  data: { statement?: string | undefined; by?: string | undefined } & Parameters<typeof factOf>[1],
  status: DealStatus,
  from?: DealStatus,
) {
  const change: z.output<typeof DealStatusChange> = { status, ...factOf(event, data) }
  if (from !== undefined) change.from = from
  if (data.statement !== undefined) change.statement = data.statement
  if (data.by !== undefined) change.by = data.by
  return change
}

/**
 * The query side's own fold, one step along the deal's valid-time timeline: pure, so
 * the projection folds it into the states it stores. Events before the deal is
 * recorded leave it undefined.
 */
export function evolveDealView(view: DealView | undefined, event: CloudEvent): DealView | undefined {
  const domainEvent = decodeEvent(dealsContext, event)
  const base = { version: event.streamversion, lastRecordedAt: event.time }
  if (domainEvent.type === 'DealRecorded') {
    const { dealId, status, name, summary, parties, kinds, value, elements, commodities, stages, depositIds } =
      domainEvent.data
    const recorded: DealView = {
      id: dealId,
      name,
      parties,
      countries: countriesOf(parties),
      kinds,
      elements,
      commodities,
      stages,
      depositIds,
      facilityIds: domainEvent.data.facilityIds,
      status,
      binding: dealProgressRank[status] >= dealProgressRank.signed,
      statusSince: event.effectivedate,
      date: event.effectivedate,
      statusHistory: [statusChange(event, domainEvent.data, status)],
      amendments: [],
      milestones: [],
      reports: [],
      ...base,
    }
    if (summary !== undefined) recorded.summary = summary
    if (value !== undefined) recorded.value = value
    return recorded
  }
  if (!view) return undefined
  switch (domainEvent.type) {
    case 'DealReported':
    case 'DealAnnounced':
    case 'DealMouSigned':
    case 'DealSigned':
    case 'DealTookEffect':
    case 'DealCompleted':
    case 'DealStalled':
    case 'DealTerminated':
    case 'DealDenied': {
      const status = dealStatusOfEvent(domainEvent.type)
      const binding = view.binding || (isDealProgress(status) && dealProgressRank[status] >= dealProgressRank.signed)
      return {
        ...view,
        status,
        binding,
        statusSince: event.effectivedate,
        statusHistory: [...view.statusHistory, statusChange(event, domainEvent.data, status, view.status)],
        ...base,
      }
    }
    case 'DealAmended': {
      const { changes, previous, description } = domainEvent.data
      const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined))
      const next = { ...view, ...defined } as DealView
      next.countries = countriesOf(next.parties)
      const amendment: DealView['amendments'][number] = { changes, previous, ...factOf(event, domainEvent.data) }
      if (description !== undefined) amendment.description = description
      return { ...next, amendments: [...view.amendments, amendment], ...base }
    }
    case 'DealMilestoneReached':
      return {
        ...view,
        milestones: [...view.milestones, { milestone: domainEvent.data.milestone, ...factOf(event, domainEvent.data) }],
        ...base,
      }
    case 'DealReportRecorded':
      return {
        ...view,
        reports: [...view.reports, { report: domainEvent.data.report, ...factOf(event, domainEvent.data) }],
        ...base,
      }
    case 'DealFactRetracted':
      return view
    default: {
      const unexpected: never = domainEvent
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}
