import { z } from 'zod'
import { defineEvent, type ContextDefinition, type DomainEventOf } from './catalog.ts'
import { blockBody, blockingFields, unblockBody, unblockingFields } from './blockings.ts'
import { defineCommandRoutes } from './commandRoutes.ts'
import {
  CommandProvenance,
  CountryCode,
  MAX_QUANTITY,
  Provenance,
  RareEarthElement,
  RetractFactBody,
  RetractionFields,
  Slug,
  SupplyChainStage,
} from './common.ts'
import { Coordinates, depositsContext, Operator } from './deposits.ts'

export const FacilityStage = SupplyChainStage.exclude(['mining']).meta({
  id: 'FacilityStage',
  description:
    'A step of the supply chain a plant performs (a mine is a deposit): `concentration` = cracking, leaching or concentration to a mixed product (e.g. mixed carbonate); `separation-refining` = separation and refining to individual oxides; `metal`, `alloy`, `magnet`; `recycling` of magnets or scrap',
})
export type FacilityStage = z.infer<typeof FacilityStage>

export const FacilityStatus = z
  .enum(['planned', 'under-construction', 'commissioning', 'operating', 'idle', 'closed', 'stalled', 'cancelled'])
  .meta({ id: 'FacilityStatus', description: 'Where a facility stands in its lifecycle' })
export type FacilityStatus = z.infer<typeof FacilityStatus>

/**
 * The status moves a facility may make. Building goes forward (a source may skip a
 * step); an operating plant goes idle or closes and an idle one restarts; a project
 * not yet operating may stall, resume or be cancelled. Nothing leaves closed or cancelled.
 */
export const facilityStatusMoves: Record<FacilityStatus, readonly FacilityStatus[]> = {
  planned: ['under-construction', 'commissioning', 'operating', 'stalled', 'cancelled'],
  'under-construction': ['commissioning', 'operating', 'stalled', 'cancelled'],
  commissioning: ['operating', 'idle', 'stalled', 'closed', 'cancelled'],
  operating: ['idle', 'closed'],
  idle: ['operating', 'closed'],
  stalled: ['planned', 'under-construction', 'commissioning', 'operating', 'cancelled'],
  closed: [],
  cancelled: [],
}

export const FacilityCapacity = z
  .object({
    value: z.number().gt(0, 'must be greater than zero').max(MAX_QUANTITY),
    valueMax: z
      .number()
      .gt(0, 'must be greater than zero')
      .max(MAX_QUANTITY)
      .optional()
      .meta({ description: 'Upper end where the source gives a range (850–1,000 t/yr)' }),
    unit: z.literal('t/yr').default('t/yr').meta({ description: 'Tonnes a year of `product`' }),
    product: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .meta({ examples: ['NdPr oxide'] }),
    basis: z.enum(['nameplate', 'planned', 'target', 'actual-output']).meta({
      description:
        '`nameplate`: what the plant is built for; `planned`: what a plan says it will be; `target`: what the operator aims at; `actual-output`: what it produced',
    }),
    bound: z.enum(['exact', 'approximately', 'at-least', 'up-to']).default('exact').meta({
      description: 'How the source states the figure: "~10,500 t/yr" is `approximately`, "up to 23,000 t/yr" `up-to`',
    }),
    stage: FacilityStage.optional().meta({
      description:
        'The stage of the facility the capacity is of; needed where the facility performs several (a magnet plant that also makes metal)',
    }),
  })
  .strict()
  .refine((capacity) => capacity.valueMax === undefined || capacity.value <= capacity.valueMax, {
    message: 'valueMax is below value',
    path: ['valueMax'],
  })
  .meta({ id: 'FacilityCapacity' })

export const FeedSupplier = z
  .object({
    kind: z.enum(['deposit', 'facility']),
    id: Slug,
  })
  .strict()
  .meta({ id: 'FeedSupplier', description: 'A deposit or a facility that supplies this facility' })
export type FeedSupplier = z.infer<typeof FeedSupplier>

const unique = (stages: readonly string[]) => new Set(stages).size === stages.length

/** The details a facility is described by; on a correction, each is optional and none has a default. */
const facilityDetailFields = {
  name: z.string().trim().min(1).max(200),
  operators: z.array(Operator).max(10),
  country: CountryCode,
  region: z.string().min(1).max(200).optional(),
  coordinates: Coordinates.optional(),
  stages: z
    .array(FacilityStage)
    .min(1, 'name at least one stage')
    .max(FacilityStage.options.length)
    .refine(unique, 'each stage may appear once'),
  products: z
    .array(z.string().trim().min(1).max(100))
    .max(20)
    .meta({ examples: [['NdPr oxide', 'SEG/HRE oxide']] }),
  elements: z
    .array(RareEarthElement)
    .max(17)
    .refine(unique, 'each element may appear once')
    .meta({ description: 'The rare-earth elements it processes or makes' }),
}

export const FacilityDetails = z.object({
  ...facilityDetailFields,
  operators: facilityDetailFields.operators.default([]),
  products: facilityDetailFields.products.default([]),
  elements: facilityDetailFields.elements.default([]),
})

export const FacilityDetailChanges = z.object(facilityDetailFields).partial().strict()

const FacilityRef = z.object({ facilityId: Slug })

export const FacilityRegistered = defineEvent(
  'FacilityRegistered',
  'ree.facility.registered.v1',
  FacilityRef.extend(FacilityDetails.shape).extend({ status: FacilityStatus }).extend(Provenance.shape),
)
export const FacilityDetailsCorrected = defineEvent(
  'FacilityDetailsCorrected',
  'ree.facility.details-corrected.v1',
  FacilityRef.extend({ changes: FacilityDetailChanges }).extend(Provenance.shape),
)
export const FacilityStatusChanged = defineEvent(
  'FacilityStatusChanged',
  'ree.facility.status-changed.v1',
  FacilityRef.extend({ status: FacilityStatus }).extend(Provenance.shape),
)
export const FacilityCapacityStated = defineEvent(
  'FacilityCapacityStated',
  'ree.facility.capacity-stated.v1',
  FacilityRef.extend({ capacity: FacilityCapacity }).extend(Provenance.shape),
)
export const FacilityFeedLinked = defineEvent(
  'FacilityFeedLinked',
  'ree.facility.feed-linked.v1',
  FacilityRef.extend({ supplier: FeedSupplier }).extend(Provenance.shape),
)
export const FacilityFeedUnlinked = defineEvent(
  'FacilityFeedUnlinked',
  'ree.facility.feed-unlinked.v1',
  FacilityRef.extend({ supplier: FeedSupplier }).extend(Provenance.shape),
)
export const FacilityBlocked = defineEvent(
  'FacilityBlocked',
  'ree.facility.blocked.v1',
  FacilityRef.extend(blockingFields).extend(Provenance.shape),
)
export const FacilityUnblocked = defineEvent(
  'FacilityUnblocked',
  'ree.facility.unblocked.v1',
  FacilityRef.extend(unblockingFields).extend(Provenance.shape),
)
export const FacilityFactRetracted = defineEvent(
  'FacilityFactRetracted',
  'ree.facility.fact-retracted.v1',
  FacilityRef.extend(RetractionFields).extend(Provenance.shape),
)

/**
 * Facilities live in the deposits service: the same event store, source and topic as
 * deposits (the supply side). Readers tell them apart by type (`ree.facility.`).
 */
export const facilitiesContext = {
  name: 'facilities',
  source: depositsContext.source,
  topic: depositsContext.topic,
  schema: depositsContext.schema,
  events: [
    FacilityRegistered,
    FacilityDetailsCorrected,
    FacilityStatusChanged,
    FacilityCapacityStated,
    FacilityFeedLinked,
    FacilityFeedUnlinked,
    FacilityBlocked,
    FacilityUnblocked,
    FacilityFactRetracted,
  ],
} as const satisfies ContextDefinition

/** The CloudEvents type prefix of every facility event, on the deposits topic. */
export const FACILITY_EVENT_PREFIX = 'ree.facility.'

export type FacilityEvent = DomainEventOf<(typeof facilitiesContext.events)[number]>

// Command bodies, as clients send them.

const atLeastOneChange = (changes: object) => Object.keys(changes).length > 0

export const RegisterFacilityBody = FacilityDetails.extend({
  id: Slug.optional().meta({ description: 'Chosen by the client; generated from the name when absent' }),
  status: FacilityStatus.default('planned'),
})
  .extend(CommandProvenance.shape)
  .strict()
  .meta({
    id: 'RegisterFacility',
    examples: [
      {
        id: 'lynas-malaysia',
        name: 'Lynas Malaysia',
        operators: [{ name: 'Lynas', role: 'operator' }],
        country: 'MY',
        region: 'Gebeng, Kuantan',
        stages: ['separation-refining'],
        products: ['NdPr oxide'],
        elements: ['Nd', 'Pr'],
        status: 'operating',
        effectiveDate: '2012-01-01',
        datePrecision: 'year',
        sources: [
          {
            publisher: 'The Star',
            url: 'https://thestar.com.my/news/nation/2023/10/21/lynas-bids-goodbye-to-msia',
          },
        ],
        confidence: 'normal',
      },
    ],
  })

export const CorrectFacilityDetailsBody = z
  .object({
    changes: FacilityDetailChanges.refine(atLeastOneChange, 'name at least one field to correct'),
  })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({ id: 'CorrectFacilityDetails' })

export const ChangeFacilityStatusBody = z
  .object({ status: FacilityStatus })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({
    id: 'ChangeFacilityStatus',
    examples: [
      {
        status: 'operating',
        effectiveDate: '2024-11-01',
        datePrecision: 'month',
        sources: [{ publisher: 'SEAISI', url: 'https://seaisi.org/details/25722' }],
      },
    ],
  })

export const StateFacilityCapacityBody = z
  .object({ capacity: FacilityCapacity })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({
    id: 'StateFacilityCapacity',
    examples: [
      {
        capacity: { value: 10500, product: 'NdPr oxide', basis: 'nameplate', bound: 'approximately' },
        effectiveDate: '2024-06-01',
        datePrecision: 'month',
        sources: [{ publisher: 'Fastmarkets', url: 'https://fastmarkets.com/?p=57380' }],
      },
    ],
  })

export const LinkFacilityFeedBody = z
  .object({ supplier: FeedSupplier })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({
    id: 'LinkFacilityFeed',
    examples: [
      {
        supplier: { kind: 'deposit', id: 'mount-weld' },
        effectiveDate: '2024-06-01',
        sources: [{ publisher: 'SEAISI', url: 'https://seaisi.org/details/25722' }],
      },
    ],
  })

export const UnlinkFacilityFeedBody = z
  .object({ supplier: FeedSupplier })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({ id: 'UnlinkFacilityFeed' })

export const BlockFacilityBody = blockBody('BlockFacility')
export const UnblockFacilityBody = unblockBody('UnblockFacility')

export const facilityCommandRoutes = defineCommandRoutes([
  {
    name: 'RegisterFacility',
    path: '/facilities',
    body: RegisterFacilityBody,
    summary: 'Register a processing facility',
    description:
      'Records a plant (cracking, separation, metal, alloy, magnet, recycling) with its stages, products and the status it has reached. `id` is generated from the name when absent.',
    creates: true,
  },
  {
    name: 'CorrectFacilityDetails',
    path: '/facilities/:id/corrections',
    body: CorrectFacilityDetailsBody,
    summary: "Correct a facility's details",
  },
  {
    name: 'ChangeFacilityStatus',
    path: '/facilities/:id/status-changes',
    body: ChangeFacilityStatusBody,
    summary: "Record a change of the facility's status",
    description:
      'planned → under-construction → commissioning → operating (a step may be skipped); operating ↔ idle; operating or idle → closed; before operating, stalled (and back) or cancelled. Nothing leaves closed or cancelled (422 `/problems/facility-status-final`); another move is 422 `/problems/facility-status-move-not-allowed`, the same status 422 `/problems/status-unchanged`.',
  },
  {
    name: 'StateFacilityCapacity',
    path: '/facilities/:id/capacities',
    body: StateFacilityCapacityBody,
    summary: 'Record a stated capacity (nameplate, planned, target or actual output)',
    description:
      'Capacities accumulate: a new one never overwrites an earlier one, and figures of different dates, bases or sources stand side by side. `value` must be greater than zero.',
  },
  {
    name: 'LinkFacilityFeed',
    path: '/facilities/:id/feed-links',
    body: LinkFacilityFeedBody,
    summary: 'Record that a deposit or another facility supplies this facility',
    description:
      'The write side sees only this facility, not other streams: a supplier id the ledger does not know (yet) is accepted and kept, and reads show it as an unresolved feed (`resolved: false`) until a deposit or facility of that id is recorded. Linking a supplier already linked is 422 `/problems/feed-already-linked`; a facility cannot feed itself.',
  },
  {
    name: 'UnlinkFacilityFeed',
    path: '/facilities/:id/feed-unlinks',
    body: UnlinkFacilityFeedBody,
    summary: 'Record that a supplier no longer feeds this facility',
    description: 'Refused with 422 `/problems/feed-not-linked` when that supplier is not linked on the date.',
  },
  {
    name: 'BlockFacility',
    path: '/facilities/:id/blockings',
    body: BlockFacilityBody,
    summary: 'Record that a law, regulator or court blocks or suspends the facility',
    description:
      'Dated the day it takes effect; the status stays what it was. Read `blocked` from that date until it is unblocked or, for a suspension with `until`, until the day after its last. Refused with 422 `/problems/already-blocked` while a blocking stands on that date (a suspension may be renewed with a new `until`).',
  },
  {
    name: 'UnblockFacility',
    path: '/facilities/:id/unblockings',
    body: UnblockFacilityBody,
    summary: 'Record that the blocking was lifted',
    description: 'Refused with 422 `/problems/not-blocked` when no blocking stands on that date.',
  },
  {
    name: 'RetractFact',
    path: '/facilities/:id/retractions',
    operationId: 'retractFacilityFact',
    body: RetractFactBody,
    summary: 'Retract a fact recorded by mistake',
    description:
      'Takes back one event of the facility (its `eventId` from the history). From now on the fact is out of the timeline; read with `recordedAsOf` before now, it is still there. Refused with 422 when the timeline without it would break a rule.',
  },
])
export type FacilityCommandName = (typeof facilityCommandRoutes)[number]['name']
