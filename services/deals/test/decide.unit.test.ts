import { type DealEvent, type DealStatus, dealStatusEvents, type RetractFact, timelineRules } from '@ree/contracts'
import { deciderSpec, on } from '@ree/testing'
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
  facilityIds: [],
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

const ids = {
  recording: '20000000-0000-4000-8000-000000000001',
  denial: '20000000-0000-4000-8000-000000000002',
  newReport: '20000000-0000-4000-8000-000000000003',
  signing: '20000000-0000-4000-8000-000000000004',
  milestone: '20000000-0000-4000-8000-000000000005',
  amendment: '20000000-0000-4000-8000-000000000006',
  stall: '20000000-0000-4000-8000-000000000007',
  retraction: '20000000-0000-4000-8000-000000000008',
  entryIntoForce: '20000000-0000-4000-8000-000000000009',
}
/** Where a refusal says the timeline breaks. */
const breaksAt = (code: string, eventId: string) => ({ code, details: { breaksAt: { eventId } } })
const milestone = { kind: 'financing-closed' as const }
const reachMilestone = command('RecordDealMilestone', { milestone, ...provenance })
const reached: DealEvent = { type: 'DealMilestoneReached', data: { dealId, milestone, ...provenance } }
const value = { amount: 258_000_000, currency: 'USD', bound: 'approximately' as const }
const amended: DealEvent = { type: 'DealAmended', data: { dealId, changes: { value }, previous: {}, ...provenance } }
const retractFact = (eventId: string): RetractFact => ({
  type: 'RetractFact',
  data: { eventId, reason: 'recorded by mistake', ...provenance },
})
/** A retraction of the creation: it ends the lifecycle recorded so far. */
const ending = <Event extends { data: object }>(event: Event): Event => ({
  ...event,
  data: { ...event.data, endsLifecycle: true },
})
const retracted = (retractedEventId: string, retractedType: string): DealEvent => ({
  type: 'DealFactRetracted',
  data: { dealId, retractedEventId, retractedType, reason: 'recorded by mistake', ...provenance },
})

t.test('a status learned late takes its place in valid time', async (t) => {
  const given = deciderSpec(dealDecider, t)
  const reportedThenSigned = [
    on('2024-01-10', recorded('reported'), ids.recording),
    on('2025-06-01', moved('reported', 'signed'), ids.signing),
  ]
  given(reportedThenSigned)
    .when(changeTo('mou'), '2024-09-01')
    .then([moved('reported', 'mou')], 'an MoU dated between the report and the signing; its from is the status then')
  given(reportedThenSigned)
    .when(changeTo('in-effect'), '2025-01-01')
    .thenThrows(
      breaksAt(dealRules.statusCannotGoBack, ids.signing),
      'taking effect before the recorded signing would make the signing go back',
    )
  given(reportedThenSigned)
    .when(changeTo('denied'), '2024-06-01')
    .thenThrows(
      breaksAt(dealRules.newReportRequiredAfterDenial, ids.signing),
      'a late denial would leave the signing after it without a new report',
    )
  given([on('2024-01-10', recorded('reported')), on('2024-06-01', moved('reported', 'denied'), ids.denial)])
    .when(changeTo('signed'), '2024-03-01')
    .thenThrows(
      breaksAt(dealRules.bindingDealCannotBeDenied, ids.denial),
      'a late signing would make the recorded denial deny a binding deal',
    )
  given([on('2024-01-10', recorded('in-effect')), on('2025-06-01', moved('in-effect', 'stalled'), ids.stall)])
    .when(changeTo('completed'), '2025-01-01')
    .thenThrows(breaksAt(dealRules.completed, ids.stall), 'nothing follows a completion, even one learned late')
  given([on('2024-01-10', recorded('reported')), on('2024-06-01', moved('reported', 'denied'))])
    .when(changeTo('signed'), '2024-09-01')
    .thenThrows({ code: dealRules.newReportRequiredAfterDenial }, 'after a denial only a new report')
})

t.test('a late termination or denial may not strand later milestones and amendments', async (t) => {
  const given = deciderSpec(dealDecider, t)
  const signedWithMilestone = [on('2024-01-10', recorded('signed')), on('2025-03-01', reached, ids.milestone)]
  given(signedWithMilestone)
    .when(changeTo('terminated'), '2025-01-01')
    .thenThrows(
      breaksAt(dealRules.milestoneOnTerminatedDeal, ids.milestone),
      'a terminated deal takes no later milestone',
    )
  given(signedWithMilestone)
    .when(changeTo('terminated'), '2025-04-01')
    .then([moved('signed', 'terminated')], 'a termination after the milestone is accepted')
  given([on('2024-01-10', recorded('reported')), on('2025-03-01', reached, ids.milestone)])
    .when(changeTo('denied'), '2025-01-01')
    .thenThrows(breaksAt(dealRules.milestoneOnDeniedDeal, ids.milestone), 'nor does a denied one')
  given([on('2024-01-10', recorded('signed')), on('2025-03-01', amended, ids.amendment)])
    .when(changeTo('terminated'), '2025-01-01')
    .thenThrows(breaksAt(dealRules.terminated, ids.amendment), 'and a terminated deal is not amended')
  given([on('2024-01-10', recorded('signed')), on('2025-01-01', moved('signed', 'terminated'))])
    .when(reachMilestone, '2024-12-01')
    .then([reached], 'a milestone learned late, dated before the termination, is accepted')
})

t.test('commands are judged as of their date', async (t) => {
  const given = deciderSpec(dealDecider, t)
  given([on('2024-01-10', recorded('reported')), on('2025-06-01', moved('reported', 'signed'))])
    .when(changeTo('announced'), '2024-03-01')
    .then([moved('reported', 'announced')], 'the from of a late change is the status on its date')
  const raised = { amount: 300_000_000, currency: 'USD', bound: 'exact' as const }
  given([on('2024-01-10', recorded('signed')), on('2025-06-01', amended)])
    .when(command('AmendDeal', { changes: { value: raised }, ...provenance }), '2024-06-01')
    .then(
      [{ type: 'DealAmended', data: { dealId, changes: { value: raised }, previous: {}, ...provenance } }],
      'an amendment records the terms as they were on its date',
    )
  given([on('2024-01-10', recorded('signed')), on('2025-06-01', amended)])
    .when(command('AmendDeal', { changes: { value }, ...provenance }), '2025-07-01')
    .thenThrows({ code: dealRules.amendmentChangesNothing }, 'and changes nothing after the same amendment')
  given([on('2024-01-10', recorded('reported'))])
    .when(changeTo('signed'), '2024-01-09')
    .thenThrows({ code: timelineRules.datedBeforeCreation }, 'nothing is dated before the deal is recorded')
})

t.test('facts on the same date follow their record order', async (t) => {
  const given = deciderSpec(dealDecider, t)
  const sameDay = [on('2024-01-10', recorded('reported')), on('2024-05-01', moved('reported', 'signed'))]
  given(sameDay)
    .when(changeTo('mou'), '2024-05-01')
    .thenThrows({ code: dealRules.statusCannotGoBack }, 'an MoU recorded after the signing of that day comes after it')
  given(sameDay)
    .when(changeTo('in-effect'), '2024-05-01')
    .then([moved('signed', 'in-effect')], 'taking effect the day it is signed follows the signing')
})

t.test('a status announced ahead takes effect on its day', async (t) => {
  const given = deciderSpec(dealDecider, t)
  const effectAhead = [
    on('2025-01-10', recorded('signed')),
    on('2027-01-01', moved('signed', 'in-effect'), ids.entryIntoForce),
  ]
  given(effectAhead)
    .when(changeTo('stalled'), '2026-01-01')
    .then([moved('signed', 'stalled')], 'a stall before the announced entry into force')
  given(effectAhead)
    .when(changeTo('terminated'), '2026-01-01')
    .thenThrows(breaksAt(dealRules.terminated, ids.entryIntoForce), 'a termination before it would strand it')
  given(effectAhead)
    .when(changeTo('completed'), '2027-06-01')
    .then([moved('in-effect', 'completed')], 'after it the deal is in effect')
})

t.test('retractions', async (t) => {
  const given = deciderSpec(dealDecider, t)
  const revived = [
    on('2024-01-10', recorded('reported'), ids.recording),
    on('2024-06-01', moved('reported', 'denied'), ids.denial),
    on('2024-09-01', moved('denied', 'reported'), ids.newReport),
    on('2025-01-01', moved('reported', 'signed'), ids.signing),
  ]
  given(revived)
    .when(retractFact(ids.denial))
    .thenThrows(
      breaksAt(dealRules.statusUnchanged, ids.newReport),
      'without the denial, the new report would repeat the status',
    )
  given(revived)
    .when(retractFact(ids.newReport))
    .thenThrows(
      breaksAt(dealRules.newReportRequiredAfterDenial, ids.signing),
      'without the new report, the signing would follow the denial',
    )
  given(revived)
    .when(retractFact(ids.signing))
    .then([retracted(ids.signing, 'DealSigned')], 'the signing may be retracted')
  const withRetraction = [...revived, on('2025-01-01', retracted(ids.signing, 'DealSigned'), ids.retraction)]
  given(withRetraction).when(retractFact(ids.signing)).thenThrows({ code: timelineRules.alreadyRetracted })
  given(withRetraction).when(retractFact(ids.retraction)).thenThrows({ code: timelineRules.retractionNotRetractable })
  const notFound = { code: timelineRules.eventNotFound, kind: 'not-found' }
  given(revived).when(retractFact('20000000-0000-4000-8000-00000000dead')).thenThrows(notFound)
  given(withRetraction)
    .when(changeTo('mou'), '2025-02-01')
    .then([moved('reported', 'mou')], 'once the signing is retracted the deal is reported again, and may go on')
})

t.test('retracting the recording takes its whole lifecycle with it', async (t) => {
  const given = deciderSpec(dealDecider, t)
  const history = [
    on('2024-01-10', recorded('reported'), ids.recording),
    on('2024-06-01', moved('reported', 'denied'), ids.denial),
  ]
  given(history)
    .when(retractFact(ids.recording))
    .then([ending(retracted(ids.recording, 'DealRecorded'))], 'the recording may be retracted')
  const unrecorded = [...history, on('2024-01-10', ending(retracted(ids.recording, 'DealRecorded')))]
  given(unrecorded).when(changeTo('announced'), '2024-03-01').thenThrows({ code: dealRules.notFound })
  given(unrecorded)
    .when(command('RecordDeal', { ...terms, status: 'announced', ...provenance }), '2024-02-01')
    .then([recorded('announced')], 'recorded again, it starts afresh')
  given(unrecorded)
    .when(command('RecordDeal', { ...terms, status: 'signed', ...provenance }), '2024-02-01')
    .then([recorded('signed')], 'the old denial does not come back to deny a binding deal')
  given(unrecorded).when(retractFact(ids.denial)).thenThrows({ code: 'already-retracted' }, 'its facts went with it')
})
