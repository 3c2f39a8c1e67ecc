import { type DealEvent, type DealStatus, dealStatusEvents } from '@ree/contracts'
import { deciderSpec } from '@ree/testing'
import t from 'tap'
import { type DealCommand, dealDecider, dealRules } from '../src/index.ts'

const provenance = {
  sources: [{ publisher: 'Test Gazette', url: 'https://example.org/deal' }],
  confidence: 'normal' as const,
}
const dealId = 'test-deal'

type Recorded = Extract<DealEvent, { type: 'DealRecorded' }>
const terms = {
  name: 'Test refinery deal',
  parties: [
    { name: 'United States', type: 'country' as const, country: 'US', role: 'government' as const },
    { name: 'Test Metals', type: 'company' as const, country: 'PK', role: 'partner' as const },
  ],
  kinds: [{ kind: 'offtake' as const }],
  elements: [],
  commodities: [],
  stages: ['separation-refining' as const],
  depositIds: ['beylikova'],
}
const recorded = (status: Recorded['data']['status'] = 'reported'): DealEvent => ({
  type: 'DealRecorded',
  data: { dealId, ...terms, status, ...provenance },
})
const command = <Type extends DealCommand['type']>(type: Type, data: Extract<DealCommand, { type: Type }>['data']) =>
  ({ type, dealId, data }) as DealCommand
const changeTo = (status: DealStatus, extra: { statement?: string; by?: string } = {}) =>
  command('ChangeDealStatus', { status, ...extra, ...provenance })

/** The event of a status change, as if the status had been reached from `from`. */
const moved = (from: DealStatus, to: DealStatus): DealEvent =>
  ({ type: dealStatusEvents[to], data: { dealId, from, ...provenance } }) as DealEvent
/** The events that bring a deal along `path`, recorded at its first status. */
const along = (first: Recorded['data']['status'], ...path: DealStatus[]): DealEvent[] => {
  const events = [recorded(first)]
  let from: DealStatus = first
  for (const to of path) {
    events.push(moved(from, to))
    from = to
  }
  return events
}

t.test('recording', async (t) => {
  const given = deciderSpec(dealDecider, t)
  given([])
    .when(command('RecordDeal', { ...terms, status: 'mou', ...provenance }))
    .then([recorded('mou')], 'records a new deal at the status first learned')
  given([recorded()])
    .when(command('RecordDeal', { ...terms, status: 'reported', ...provenance }))
    .thenThrows({ code: dealRules.alreadyRecorded }, 'refuses an id that is taken')
  given([])
    .when(changeTo('signed'))
    .thenThrows({ code: dealRules.notFound }, 'refuses a status change of an unknown deal')
  given([])
    .when(command('RecordDealMilestone', { milestone: { kind: 'financing-closed' }, ...provenance }))
    .thenThrows({ code: dealRules.notFound }, 'and a milestone of one')
})

t.test('the status moves forward from talks to completion, with the statement and who made it', async (t) => {
  const given = deciderSpec(dealDecider, t)
  given([recorded('reported')])
    .when(changeTo('mou', { statement: 'MoU signed', by: 'both parties' }))
    .then([
      {
        type: 'DealMouSigned',
        data: { dealId, from: 'reported', statement: 'MoU signed', by: 'both parties', ...provenance },
      },
    ])
  given(along('mou'))
    .when(changeTo('signed'))
    .then([moved('mou', 'signed')], 'an MoU becomes binding when signed')
  given(along('announced'))
    .when(changeTo('in-effect'))
    .then([moved('announced', 'in-effect')], 'a step the ledger did not learn of may be skipped forward')
  given(along('signed', 'in-effect'))
    .when(changeTo('completed'))
    .then([moved('in-effect', 'completed')])
  given(along('mou'))
    .when(changeTo('mou'))
    .thenThrows({ code: dealRules.statusUnchanged }, 'the same status twice is refused')
})

t.test('the status never goes back along the way', async (t) => {
  const given = deciderSpec(dealDecider, t)
  given(along('signed')).when(changeTo('mou')).thenThrows({ code: dealRules.statusCannotGoBack }, 'signed → mou')
  given(along('mou')).when(changeTo('announced')).thenThrows({ code: dealRules.statusCannotGoBack }, 'mou → announced')
  given(along('announced'))
    .when(changeTo('reported'))
    .thenThrows({ code: dealRules.statusCannotGoBack }, 'announced → reported')
  given(along('signed', 'stalled'))
    .when(changeTo('mou'))
    .thenThrows({ code: dealRules.statusCannotGoBack }, 'a stalled deal resumes no earlier than where it stalled')
  given(along('signed', 'stalled'))
    .when(changeTo('signed'))
    .then([moved('stalled', 'signed')], 'and may resume where it stalled')
  given(along('signed', 'stalled'))
    .when(changeTo('terminated'))
    .then([moved('stalled', 'terminated')], 'or end')
})

t.test('terminated and completed are final', async (t) => {
  const given = deciderSpec(dealDecider, t)
  for (const to of ['signed', 'stalled', 'in-effect', 'reported', 'denied'] as const) {
    given(along('signed', 'terminated'))
      .when(changeTo(to))
      .thenThrows({ code: dealRules.terminated }, `terminated → ${to}`)
  }
  given(along('in-effect', 'completed'))
    .when(changeTo('terminated'))
    .thenThrows({ code: dealRules.completed }, 'completed → terminated')
  given(along('in-effect', 'completed'))
    .when(changeTo('stalled'))
    .thenThrows({ code: dealRules.completed }, 'completed → stalled')
})

t.test('a denied report comes back only through a new report', async (t) => {
  const given = deciderSpec(dealDecider, t)
  given(along('reported'))
    .when(changeTo('denied', { by: 'Türkiye' }))
    .then(
      [{ type: 'DealDenied', data: { dealId, from: 'reported', by: 'Türkiye', ...provenance } }],
      'talks can be denied',
    )
  given(along('announced'))
    .when(changeTo('denied'))
    .then([moved('announced', 'denied')], 'so can an announcement')
  for (const to of ['signed', 'mou', 'announced', 'in-effect', 'completed', 'stalled', 'terminated'] as const) {
    given(along('reported', 'denied'))
      .when(changeTo(to))
      .thenThrows({ code: dealRules.newReportRequiredAfterDenial }, `denied → ${to} needs a new report`)
  }
  given(along('reported', 'denied'))
    .when(changeTo('reported'))
    .then([moved('denied', 'reported')], 'a new report revives it')
  given(along('reported', 'denied', 'reported'))
    .when(changeTo('signed'))
    .then([moved('reported', 'signed')], 'and then it can be signed')
  given(along('mou', 'denied', 'reported'))
    .when(changeTo('reported'))
    .thenThrows({ code: dealRules.statusUnchanged })
})

t.test('a binding deal is not denied: the denial is recorded as a conflicting report', async (t) => {
  const given = deciderSpec(dealDecider, t)
  for (const path of [along('signed'), along('signed', 'in-effect'), along('signed', 'stalled')]) {
    given(path).when(changeTo('denied')).thenThrows({ code: dealRules.bindingDealCannotBeDenied })
  }
  given(along('reported', 'stalled'))
    .when(changeTo('denied'))
    .then([moved('stalled', 'denied')], 'stalled talks can still be denied')
})

t.test('milestones', async (t) => {
  const given = deciderSpec(dealDecider, t)
  const milestone = { kind: 'first-shipment-delivered' as const, description: 'first cargo' }
  given(along('signed', 'in-effect'))
    .when(command('RecordDealMilestone', { milestone, ...provenance }))
    .then([{ type: 'DealMilestoneReached', data: { dealId, milestone, ...provenance } }])
  given(along('signed', 'terminated'))
    .when(command('RecordDealMilestone', { milestone, ...provenance }))
    .thenThrows({ code: dealRules.milestoneOnTerminatedDeal }, 'no milestone on a terminated deal')
  given(along('reported', 'denied'))
    .when(command('RecordDealMilestone', { milestone, ...provenance }))
    .thenThrows({ code: dealRules.milestoneOnDeniedDeal }, 'nor on a denied one')
})

t.test('amendments record the new terms and the previous ones', async (t) => {
  const given = deciderSpec(dealDecider, t)
  const value = { amount: 258_000_000, currency: 'USD', bound: 'approximately' as const }
  given(along('signed'))
    .when(
      command('AmendDeal', {
        changes: { value, stages: ['separation-refining'] },
        description: 'raised',
        ...provenance,
      }),
    )
    .then(
      [
        {
          type: 'DealAmended',
          data: { dealId, changes: { value }, previous: {}, description: 'raised', ...provenance },
        },
      ],
      'only what changes is recorded; an undisclosed value had no previous value',
    )
  const amended: DealEvent = { type: 'DealAmended', data: { dealId, changes: { value }, previous: {}, ...provenance } }
  const raised = { amount: 300_000_000, currency: 'USD', bound: 'exact' as const }
  given([...along('signed'), amended])
    .when(command('AmendDeal', { changes: { value: raised }, ...provenance }))
    .then([{ type: 'DealAmended', data: { dealId, changes: { value: raised }, previous: { value }, ...provenance } }])
  given([...along('signed'), amended])
    .when(command('AmendDeal', { changes: { value }, ...provenance }))
    .thenThrows({ code: dealRules.amendmentChangesNothing })
  given(along('signed', 'terminated'))
    .when(command('AmendDeal', { changes: { depositIds: ['mount-weld'] }, ...provenance }))
    .thenThrows({ code: dealRules.terminated }, 'a terminated deal is not amended')
})

t.test('reports are kept whatever the status, even where they disagree', async (t) => {
  const given = deciderSpec(dealDecider, t)
  const report = { aspect: 'status' as const, claim: 'nothing close', status: 'reported' as const }
  for (const path of [along('reported'), along('signed', 'terminated'), along('reported', 'denied')]) {
    given(path)
      .when(command('RecordDealReport', { report, confidence: 'low', sources: provenance.sources }))
      .then([{ type: 'DealReportRecorded', data: { dealId, report, confidence: 'low', sources: provenance.sources } }])
  }
})

t.test('a status change may not be dated before the status it follows', async (t) => {
  const given = deciderSpec(dealDecider, t)
  const reportedOn = { ...recorded('reported'), metadata: { effectiveDate: '2025-10-06' } } as DealEvent
  given([reportedOn])
    .when({ ...changeTo('signed'), effectiveDate: '2025-10-05' } as DealCommand)
    .thenThrows({ code: dealRules.datedBeforeCurrentStatus })
  given([reportedOn])
    .when({ ...changeTo('signed'), effectiveDate: '2025-10-06' } as DealCommand)
    .then([moved('reported', 'signed')], 'the same day is accepted')
})
