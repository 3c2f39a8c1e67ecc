import {
  type FacilityEvent,
  type FacilityStatus,
  type FeedSupplier,
  type RetractFact,
  timelineRules,
} from '@ree/contracts'
import { deciderSpec, on } from '@ree/testing'
import t from 'tap'
import { type FacilityCommand, facilityDecider, facilityRules } from '../src/index.ts'

const provenance = {
  sources: [{ publisher: 'Fastmarkets', url: 'https://www.fastmarkets.com/?p=57380' }],
  confidence: 'normal' as const,
}
const facilityId = 'lynas-malaysia'

type Registered = Extract<FacilityEvent, { type: 'FacilityRegistered' }>
const registeredAt = (status: FacilityStatus): Registered => ({
  type: 'FacilityRegistered',
  data: {
    facilityId,
    name: 'Lynas Malaysia',
    operators: [{ name: 'Lynas', role: 'operator' }],
    country: 'MY',
    stages: ['separation-refining'],
    products: ['NdPr oxide'],
    elements: ['Nd', 'Pr'],
    status,
    ...provenance,
  },
})
const registered = registeredAt('operating')
const command = <Type extends FacilityCommand['type']>(
  type: Type,
  data: Extract<FacilityCommand, { type: Type }>['data'],
) => ({ type, facilityId, data }) as FacilityCommand
const registerAt = (status: FacilityStatus) => {
  const { facilityId: _id, ...data } = registeredAt(status).data
  return command('RegisterFacility', data)
}
const changeTo = (status: FacilityStatus) => command('ChangeFacilityStatus', { status, ...provenance })
const changed = (status: FacilityStatus): FacilityEvent => ({
  type: 'FacilityStatusChanged',
  data: { facilityId, status, ...provenance },
})
const mountWeld: FeedSupplier = { kind: 'deposit', id: 'mount-weld' }
const linked = (supplier = mountWeld): FacilityEvent => ({
  type: 'FacilityFeedLinked',
  data: { facilityId, supplier, ...provenance },
})
/** Where a refusal says the timeline breaks. */
const breaksAt = (code: string, eventId: string) => ({ code, details: { breaksAt: { eventId } } })
const ids = {
  registration: '20000000-0000-4000-8000-000000000001',
  closure: '20000000-0000-4000-8000-000000000002',
  link: '20000000-0000-4000-8000-000000000003',
}

t.test('registering', async (t) => {
  const given = deciderSpec(facilityDecider, t)
  given([]).when(registerAt('operating')).then([registered], 'records a new facility')
  given([registered])
    .when(registerAt('operating'))
    .thenThrows({ code: facilityRules.alreadyRegistered }, 'refuses an id that is taken')
  given([])
    .when(changeTo('idle'))
    .thenThrows({ code: facilityRules.notFound }, 'refuses commands on an unknown facility')
  given([on('2012-01-01', registered)])
    .when(changeTo('idle'), '2011-06-01')
    .thenThrows({ code: timelineRules.datedBeforeCreation }, 'refuses a fact dated before the facility is recorded')
})

t.test('the status moves along its lifecycle, and nothing leaves closed or cancelled', async (t) => {
  const given = deciderSpec(facilityDecider, t)
  const allowed: Array<[FacilityStatus, FacilityStatus]> = [
    ['planned', 'under-construction'],
    ['planned', 'operating'],
    ['under-construction', 'commissioning'],
    ['commissioning', 'operating'],
    ['operating', 'idle'],
    ['idle', 'operating'],
    ['operating', 'closed'],
    ['planned', 'stalled'],
    ['stalled', 'under-construction'],
    ['stalled', 'cancelled'],
  ]
  for (const [from, to] of allowed) {
    given([registeredAt(from)])
      .when(changeTo(to))
      .then([changed(to)], `${from} → ${to}`)
  }
  given([registered]).when(changeTo('operating')).thenThrows({ code: facilityRules.statusUnchanged }, 'the same status')
  for (const [from, to] of [
    ['operating', 'planned'],
    ['operating', 'under-construction'],
    ['operating', 'stalled'],
    ['commissioning', 'planned'],
    ['idle', 'cancelled'],
  ] as Array<[FacilityStatus, FacilityStatus]>) {
    given([registeredAt(from)])
      .when(changeTo(to))
      .thenThrows({ code: facilityRules.statusMoveNotAllowed }, `${from} → ${to} is refused`)
  }
  for (const final of ['closed', 'cancelled'] as const) {
    given([registeredAt(final)])
      .when(changeTo('operating'))
      .thenThrows({ code: facilityRules.statusFinal }, `nothing leaves ${final}`)
  }
})

t.test('a status learned late takes its place in valid time', async (t) => {
  const given = deciderSpec(facilityDecider, t)
  const history = [on('2012-01-01', registered, ids.registration), on('2025-01-01', changed('closed'), ids.closure)]
  given(history)
    .when(changeTo('idle'), '2020-01-01')
    .then([changed('idle')], 'idle between opening and closure')
  given(history)
    .when(changeTo('operating'), '2026-01-01')
    .thenThrows({ code: facilityRules.statusFinal }, 'after its closure the facility is closed')
  given(history)
    .when(changeTo('closed'), '2020-01-01')
    .thenThrows(
      breaksAt(facilityRules.statusUnchanged, ids.closure),
      'an earlier closure leaves the recorded one closing a closed plant',
    )
})

t.test('capacities accumulate and corrections keep only what changes', async (t) => {
  const given = deciderSpec(facilityDecider, t)
  const capacity = {
    value: 7200,
    unit: 't/yr' as const,
    product: 'NdPr oxide',
    basis: 'nameplate' as const,
    bound: 'exact' as const,
  }
  const stated: FacilityEvent = { type: 'FacilityCapacityStated', data: { facilityId, capacity, ...provenance } }
  given([registered])
    .when(command('StateFacilityCapacity', { capacity, ...provenance }))
    .then([stated])
  given([registered, stated])
    .when(command('StateFacilityCapacity', { capacity, ...provenance }))
    .then([stated], 'the same figure stated again (another source) stands beside the first')
  given([registered])
    .when(command('CorrectFacilityDetails', { changes: { name: 'Lynas Malaysia', region: 'Gebeng' }, ...provenance }))
    .then(
      [{ type: 'FacilityDetailsCorrected', data: { facilityId, changes: { region: 'Gebeng' }, ...provenance } }],
      'keeps only the fields that change',
    )
  given([registered])
    .when(command('CorrectFacilityDetails', { changes: { stages: ['separation-refining'] }, ...provenance }))
    .thenThrows({ code: facilityRules.nothingToCorrect })
})

t.test('feed links', async (t) => {
  const given = deciderSpec(facilityDecider, t)
  const link = (supplier = mountWeld) => command('LinkFacilityFeed', { supplier, ...provenance })
  const unlink = (supplier = mountWeld) => command('UnlinkFacilityFeed', { supplier, ...provenance })
  given([registered]).when(link()).then([linked()], 'a deposit feeds the facility')
  const unknown = { kind: 'deposit' as const, id: 'no-such-deposit' }
  given([registered])
    .when(link(unknown))
    .then([linked(unknown)], 'an id the write side cannot check is accepted')
  given([registered, linked()]).when(link()).thenThrows({ code: facilityRules.feedAlreadyLinked })
  given([registered])
    .when(link({ kind: 'facility', id: facilityId }))
    .thenThrows({ code: facilityRules.feedLinksItself })
  given([registered]).when(unlink()).thenThrows({ code: facilityRules.feedNotLinked })
  given([registered, linked()])
    .when(unlink())
    .then([{ type: 'FacilityFeedUnlinked', data: { facilityId, supplier: mountWeld, ...provenance } }])
  given([on('2012-01-01', registered), on('2024-06-01', linked())])
    .when(unlink(), '2020-01-01')
    .thenThrows({ code: facilityRules.feedNotLinked }, 'a supplier linked in 2024 does not feed it in 2020')
})

t.test('retractions', async (t) => {
  const given = deciderSpec(facilityDecider, t)
  const retract: RetractFact = { type: 'RetractFact', data: { eventId: ids.link, reason: 'wrong mine', ...provenance } }
  given([on('2012-01-01', registered, ids.registration), on('2024-06-01', linked(), ids.link)])
    .when(retract)
    .then([
      {
        type: 'FacilityFactRetracted',
        data: {
          facilityId,
          retractedEventId: ids.link,
          retractedType: 'FacilityFeedLinked',
          reason: 'wrong mine',
          ...provenance,
        },
      },
    ])
  given([on('2012-01-01', registered, ids.registration), on('2024-06-01', linked(), ids.link)])
    .when({
      type: 'RetractFact',
      data: { eventId: '20000000-0000-4000-8000-00000000dead', reason: 'x', ...provenance },
    })
    .thenThrows({ code: timelineRules.eventNotFound })
})

t.test('blockings and capacities by stage', async (t) => {
  const given = deciderSpec(facilityDecider, t)
  const start = on('2012-01-01', registered)
  const suspension = {
    kind: 'suspended' as const,
    authority: { type: 'regulator' as const, name: 'Atomic Energy Licensing Board' },
    legalReference: 'Licence renewal conditions',
    until: '2019-03-02',
    ...provenance,
  }
  const suspended: FacilityEvent = { type: 'FacilityBlocked', data: { facilityId, ...suspension } }
  given([start]).when(command('BlockFacility', suspension), '2018-12-04').then([suspended], 'records a suspension')
  given([start, on('2018-12-04', suspended)])
    .when(command('UnblockFacility', { ...provenance }), '2019-06-01')
    .thenThrows({ code: facilityRules.notBlocked }, 'a suspension past its last day has lapsed by itself')
  given([start, on('2018-12-04', suspended)])
    .when(command('BlockFacility', { ...suspension, kind: 'blocked', until: undefined }), '2019-01-01')
    .thenThrows(
      { code: facilityRules.alreadyBlocked },
      'nothing is recorded over a standing suspension but its renewal',
    )
  const capacity = {
    value: 100,
    unit: 't/yr' as const,
    product: 'NdFeB magnets',
    basis: 'nameplate' as const,
    bound: 'exact' as const,
  }
  given([start])
    .when(command('StateFacilityCapacity', { capacity: { ...capacity, stage: 'magnet' }, ...provenance }))
    .thenThrows({ code: facilityRules.capacityStageNotPerformed }, 'a capacity of a stage the plant does not perform')
})
