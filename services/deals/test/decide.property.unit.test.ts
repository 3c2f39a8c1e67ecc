import {
  type DealEvent,
  type DealStatus,
  DealStatus as DealStatuses,
  dealProgressRank,
  dealStatusOfEvent,
  InitialDealStatus,
  isDealProgress,
  type TimelineEntry,
} from '@ree/contracts'
import { assertCoverage, assertTimelineProperties, timelineSteps } from '@ree/testing'
import fc from 'fast-check'
import t from 'tap'
import { type DealCommand, dealDecider } from '../src/index.ts'

const provenance = { sources: [{ publisher: 'Test Gazette' }], confidence: 'normal' as const }
const dealId = 'prop-deal'
const terms = {
  name: 'Prop deal',
  parties: [{ name: 'Test Metals', type: 'company' as const, role: 'partner' as const }],
  kinds: [{ kind: 'offtake' as const }],
  elements: [],
  commodities: [],
  stages: ['separation-refining' as const],
  depositIds: [],
  facilityIds: [],
}
const value = fc.constantFrom(100, 200).map((amount) => ({ amount, currency: 'USD', bound: 'exact' as const }))

const record = fc
  .constantFrom(...InitialDealStatus.options)
  .map((status): DealCommand => ({ type: 'RecordDeal', dealId, data: { ...terms, status, ...provenance } }))
const next = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(...DealStatuses.options)
      .map((status): DealCommand => ({ type: 'ChangeDealStatus', dealId, data: { status, ...provenance } })),
  },
  {
    weight: 1,
    arbitrary: fc.constant<DealCommand>({
      type: 'RecordDealMilestone',
      dealId,
      data: { milestone: { kind: 'financing-closed' }, ...provenance },
    }),
  },
  {
    weight: 1,
    arbitrary: value.map(
      (value): DealCommand => ({ type: 'AmendDeal', dealId, data: { changes: { value }, ...provenance } }),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constant<DealCommand>({
      type: 'RecordDealReport',
      dealId,
      data: { report: { aspect: 'status', claim: 'nothing close', status: 'reported' }, ...provenance },
    }),
  },
)

/** The deal's lifecycle, stated over the timeline apart from the decider. */
function invariants(timeline: readonly TimelineEntry<DealEvent>[]): string | undefined {
  let deal: { status: DealStatus; progress: number } | undefined
  for (const { event, effectiveDate } of timeline) {
    const on = ` on ${effectiveDate}`
    if (event.type === 'DealRecorded') {
      if (deal) return `recorded twice${on}`
      deal = { status: event.data.status, progress: dealProgressRank[event.data.status] }
      continue
    }
    if (!deal) continue
    switch (event.type) {
      case 'DealMilestoneReached':
        if (deal.status === 'terminated' || deal.status === 'denied') return `a milestone on a ${deal.status} deal${on}`
        break
      case 'DealAmended':
        if (deal.status === 'terminated') return `a terminated deal amended${on}`
        break
      case 'DealReportRecorded':
      case 'DealFactRetracted':
        break
      default: {
        const to = dealStatusOfEvent(event.type)
        if (deal.status === 'terminated' || deal.status === 'completed') return `${deal.status}, then ${to}${on}`
        if (deal.status === 'denied' && to !== 'reported') return `denied, then ${to} without a new report${on}`
        if (to === 'denied' && deal.progress >= dealProgressRank.signed) return `a binding deal denied${on}`
        if (to === deal.status) return `${to} twice${on}`
        if (!isDealProgress(to)) {
          deal = { ...deal, status: to }
          break
        }
        if (deal.status !== 'denied' && dealProgressRank[to] < deal.progress) return `went back to ${to}${on}`
        deal = { status: to, progress: dealProgressRank[to] }
      }
    }
  }
  return undefined
}

t.test('any history of accepted deal facts keeps the timeline and the lifecycle', async (t) => {
  const counts = assertTimelineProperties({
    decider: dealDecider,
    steps: timelineSteps(record, next),
    invariants,
    numRuns: 300,
    provenance,
  })
  assertCoverage(t, counts)
})
