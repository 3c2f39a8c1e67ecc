import { z } from 'zod'
import { defineEvent, type ContextDefinition, type DomainEventOf } from './catalog.ts'
import { defineCommandRoutes } from './commandRoutes.ts'
import {
  CommandProvenance,
  CountryCode,
  IsoDate,
  MAX_QUANTITY,
  MIN_QUANTITY,
  Provenance,
  RareEarthElement,
  RetractFactBody,
  RetractionFields,
  Slug,
  SupplyChainStage,
} from './common.ts'

export const DealStatus = z
  .enum(['reported', 'announced', 'mou', 'signed', 'in-effect', 'completed', 'stalled', 'terminated', 'denied'])
  .meta({
    id: 'DealStatus',
    description:
      '`reported`: talks in the press; `announced`: made public by a party, terms not yet binding; `mou`: a signed memorandum of understanding, not binding; `signed`: binding; `in-effect`; `completed`; `stalled`: in doubt; `terminated`; `denied`: a party publicly denies the report',
  })
export type DealStatus = z.infer<typeof DealStatus>

/** The statuses a deal can be first recorded at; the others follow one of these. */
export const InitialDealStatus = DealStatus.extract(['reported', 'announced', 'mou', 'signed', 'in-effect']).meta({
  id: 'InitialDealStatus',
})

/** The statuses on the way from talks to completion, in order; stalled, terminated and denied stand beside it. */
export const dealProgressRank = {
  reported: 0,
  announced: 1,
  mou: 2,
  signed: 3,
  'in-effect': 4,
  completed: 5,
} as const
export type DealProgress = keyof typeof dealProgressRank

export function isDealProgress(status: DealStatus): status is DealProgress {
  return status in dealProgressRank
}

export const PartyRole = z
  .enum(['buyer', 'seller', 'investor', 'lender', 'government', 'offtaker', 'partner'])
  .meta({ id: 'PartyRole', description: '`partner` where the sources name no more specific role' })

export const DealParty = z
  .object({
    name: z.string().trim().min(1).max(200),
    type: z.enum(['country', 'company', 'agency']),
    country: CountryCode.optional().meta({
      description: 'The country itself, or where the company or agency is based',
    }),
    role: PartyRole.default('partner'),
  })
  .strict()
  .refine((party) => party.type !== 'country' || party.country !== undefined, {
    message: 'a country party needs its country code',
    path: ['country'],
  })
  .meta({ id: 'DealParty' })
export type DealParty = z.output<typeof DealParty>

export const CurrencyCode = z
  .string()
  .max(3)
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in capitals, e.g. "USD"')
  .meta({ description: 'ISO 4217 currency code', examples: ['USD'] })

/** How the source states a figure: "~US$258M" is `approximately`, "≥ 51 %" `at-least`. */
export const StatedBound = z.enum(['exact', 'approximately', 'at-least', 'up-to']).meta({ id: 'StatedBound' })

export const DealValue = z
  .object({
    amount: z.number().min(MIN_QUANTITY).max(MAX_QUANTITY),
    currency: CurrencyCode,
    bound: StatedBound.default('exact'),
    description: z
      .string()
      .min(1)
      .max(500)
      .optional()
      .meta({ examples: ['project pipeline'] }),
  })
  .strict()
  .meta({ id: 'DealValue', description: 'An amount of money as the source states it' })
export type DealValue = z.output<typeof DealValue>

const Amount = { amount: DealValue.optional() }

export const DealTerm = z
  .discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('offtake'),
        product: z.string().min(1).max(200).optional(),
        quantity: z.number().min(MIN_QUANTITY).max(MAX_QUANTITY).optional(),
        quantityUnit: z
          .string()
          .min(1)
          .max(50)
          .optional()
          .meta({ examples: ['t/yr'] }),
        termYears: z.number().min(MIN_QUANTITY).max(MAX_QUANTITY).max(100).optional(),
        ...Amount,
      })
      .strict(),
    z
      .object({
        kind: z.literal('equity'),
        stakePercent: z.number().gt(0).max(100).optional(),
        stakeBound: StatedBound.default('exact'),
        instrument: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .meta({ examples: ['convertible preferred stock and warrants'] }),
        ...Amount,
      })
      .strict(),
    z
      .object({
        kind: z.literal('joint-venture'),
        shares: z
          .array(
            z
              .object({
                party: z.string().min(1).max(200),
                percent: z.number().gt(0).max(100),
                bound: StatedBound.default('exact'),
              })
              .strict(),
          )
          .max(10)
          .default([]),
        ...Amount,
      })
      .strict(),
    z
      .object({
        kind: z.literal('government-agreement'),
        form: z.enum(['agreement', 'framework', 'fund', 'contract']).default('agreement'),
        ...Amount,
      })
      .strict(),
    z
      .object({
        kind: z.literal('price-floor'),
        product: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .meta({ examples: ['NdPr oxide'] }),
        price: z.number().min(MIN_QUANTITY).max(MAX_QUANTITY),
        unit: z
          .string()
          .min(1)
          .max(20)
          .meta({ description: 'The quantity the price is per', examples: ['kg'] }),
        currency: CurrencyCode,
        termYears: z.number().min(MIN_QUANTITY).max(MAX_QUANTITY).max(100).optional(),
      })
      .strict(),
    z.object({ kind: z.literal('loan'), purpose: z.string().min(1).max(500).optional(), ...Amount }).strict(),
    z.object({ kind: z.literal('grant'), purpose: z.string().min(1).max(500).optional(), ...Amount }).strict(),
  ])
  .meta({ id: 'DealTerm', description: 'One kind of commitment the deal makes, with its own terms' })
export type DealTerm = z.output<typeof DealTerm>

export const DealKind = z
  .enum(['offtake', 'equity', 'joint-venture', 'government-agreement', 'price-floor', 'loan', 'grant'])
  .meta({ id: 'DealKind' })
export type DealKind = z.infer<typeof DealKind>

const unique =
  <Item>(key: (item: Item) => string) =>
  (items: Item[]) =>
    new Set(items.map(key)).size === items.length

const termFields = {
  name: z.string().trim().min(1).max(200),
  summary: z.string().min(1).max(2000),
  parties: z
    .array(DealParty)
    .min(2, 'a deal has at least two parties')
    .max(20)
    .refine(
      unique((party: DealParty) => party.name),
      'each party may appear once',
    ),
  kinds: z
    .array(DealTerm)
    .min(1, 'name at least one kind')
    .max(10)
    .refine(
      unique((term: DealTerm) => term.kind),
      'each kind may appear once',
    ),
  value: DealValue.meta({ description: 'The whole deal; absent when undisclosed' }),
  elements: z.array(RareEarthElement).max(17).refine(unique(String), 'each element may appear once'),
  commodities: z
    .array(z.string().min(1).max(100))
    .max(20)
    .meta({ description: 'Other commodities covered', examples: [['antimony', 'copper']] }),
  stages: z.array(SupplyChainStage).max(7).refine(unique(String), 'each stage may appear once'),
  depositIds: z.array(Slug).max(20).refine(unique(String), 'each deposit may appear once').meta({
    description: 'Deposits the deal concerns; an id the ledger does not know is kept and shown as unresolved',
  }),
  facilityIds: z.array(Slug).max(20).refine(unique(String), 'each facility may appear once').meta({
    description:
      'Facilities the deal funds, builds or buys from; an id the ledger does not know is kept and shown as unresolved',
  }),
}

/** What the parties agreed: amendable, each change dated and sourced. */
export const DealTerms = z.object({
  ...termFields,
  summary: termFields.summary.optional(),
  value: termFields.value.optional(),
  elements: termFields.elements.default([]),
  commodities: termFields.commodities.default([]),
  stages: termFields.stages.default([]),
  depositIds: termFields.depositIds.default([]),
  facilityIds: termFields.facilityIds.default([]),
})
/** Changed terms only: nothing is filled in by default. */
export const DealTermChanges = z.object(termFields).partial()
export type DealTerms = z.output<typeof DealTerms>

export const DealMilestone = z
  .object({
    kind: z.enum([
      'first-shipment-delivered',
      'facility-commissioned',
      'financing-closed',
      'production-started',
      'other',
    ]),
    description: z.string().min(1).max(2000).optional(),
  })
  .strict()
  .meta({ id: 'DealMilestone' })

export const DealReport = z
  .object({
    aspect: z.enum(['status', 'value', 'date', 'parties', 'terms', 'other']),
    claim: z.string().min(1).max(2000).meta({ description: 'What the source says, in its words where possible' }),
    status: DealStatus.optional(),
    value: DealValue.optional(),
    date: IsoDate.optional(),
  })
  .strict()
  .meta({
    id: 'DealReport',
    description: 'A report about the deal kept beside the others, even where it contradicts them',
  })

const DealRef = z.object({ dealId: Slug })
const StatusStatement = {
  statement: z.string().min(1).max(2000).optional().meta({ description: 'What was said, in the words of the source' }),
  by: z.string().min(1).max(200).optional().meta({ description: 'Who said it, e.g. the party that denies' }),
}
const StatusChange = DealRef.extend({ from: DealStatus, ...StatusStatement }).extend(Provenance.shape)

export const DealRecorded = defineEvent(
  'DealRecorded',
  'ree.deal.recorded.v1',
  DealRef.extend(DealTerms.shape)
    .extend({ status: InitialDealStatus, ...StatusStatement })
    .extend(Provenance.shape),
)
export const DealReported = defineEvent('DealReported', 'ree.deal.reported.v1', StatusChange)
export const DealAnnounced = defineEvent('DealAnnounced', 'ree.deal.announced.v1', StatusChange)
export const DealMouSigned = defineEvent('DealMouSigned', 'ree.deal.mou-signed.v1', StatusChange)
export const DealSigned = defineEvent('DealSigned', 'ree.deal.signed.v1', StatusChange)
export const DealTookEffect = defineEvent('DealTookEffect', 'ree.deal.took-effect.v1', StatusChange)
export const DealCompleted = defineEvent('DealCompleted', 'ree.deal.completed.v1', StatusChange)
export const DealStalled = defineEvent('DealStalled', 'ree.deal.stalled.v1', StatusChange)
export const DealTerminated = defineEvent('DealTerminated', 'ree.deal.terminated.v1', StatusChange)
export const DealDenied = defineEvent('DealDenied', 'ree.deal.denied.v1', StatusChange)
export const DealAmended = defineEvent(
  'DealAmended',
  'ree.deal.amended.v1',
  DealRef.extend({
    changes: DealTermChanges,
    previous: DealTermChanges,
    description: z.string().min(1).max(2000).optional(),
  }).extend(Provenance.shape),
)
export const DealMilestoneReached = defineEvent(
  'DealMilestoneReached',
  'ree.deal.milestone-reached.v1',
  DealRef.extend({ milestone: DealMilestone }).extend(Provenance.shape),
)
export const DealReportRecorded = defineEvent(
  'DealReportRecorded',
  'ree.deal.report-recorded.v1',
  DealRef.extend({ report: DealReport }).extend(Provenance.shape),
)

export const DealFactRetracted = defineEvent(
  'DealFactRetracted',
  'ree.deal.fact-retracted.v1',
  DealRef.extend(RetractionFields).extend(Provenance.shape),
)

/** The event that records each status change. */
export const dealStatusEvents = {
  reported: 'DealReported',
  announced: 'DealAnnounced',
  mou: 'DealMouSigned',
  signed: 'DealSigned',
  'in-effect': 'DealTookEffect',
  completed: 'DealCompleted',
  stalled: 'DealStalled',
  terminated: 'DealTerminated',
  denied: 'DealDenied',
} as const satisfies Record<DealStatus, string>
export type DealStatusEventName = (typeof dealStatusEvents)[DealStatus]

/** The status a status-change event records. */
export function dealStatusOfEvent(name: DealStatusEventName): DealStatus {
  const entry = Object.entries(dealStatusEvents).find(([, eventName]) => eventName === name)
  if (!entry) throw new Error(`${name} records no status`)
  return entry[0] as DealStatus
}

export const dealsContext = {
  name: 'deals',
  source: '/ree/deals',
  topic: 'ree.deals.events.v1',
  schema: 'deals',
  events: [
    DealRecorded,
    DealReported,
    DealAnnounced,
    DealMouSigned,
    DealSigned,
    DealTookEffect,
    DealCompleted,
    DealStalled,
    DealTerminated,
    DealDenied,
    DealAmended,
    DealMilestoneReached,
    DealReportRecorded,
    DealFactRetracted,
  ],
} as const satisfies ContextDefinition

export type DealEvent = DomainEventOf<(typeof dealsContext.events)[number]>
export type DealStatusChangedEvent = Extract<DealEvent, { type: DealStatusEventName }>

// Command bodies, as clients send them.

export const RecordDealBody = DealTerms.extend({
  id: Slug.optional().meta({ description: 'Chosen by the client; generated from the name when absent' }),
  status: InitialDealStatus.default('reported'),
  ...StatusStatement,
})
  .extend(CommandProvenance.shape)
  .strict()
  .meta({ id: 'RecordDeal' })

export const ChangeDealStatusBody = z
  .object({ status: DealStatus, ...StatusStatement })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({ id: 'ChangeDealStatus' })

export const AmendDealBody = z
  .object({
    changes: DealTermChanges.strict().refine(
      (changes) => Object.keys(changes).length > 0,
      'name at least one term to amend',
    ),
    description: z.string().min(1).max(2000).optional(),
  })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({ id: 'AmendDeal' })

export const RecordDealMilestoneBody = z
  .object({ milestone: DealMilestone })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({ id: 'RecordDealMilestone' })

export const RecordDealReportBody = z
  .object({ report: DealReport })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({ id: 'RecordDealReport' })

export const dealCommandRoutes = defineCommandRoutes([
  {
    name: 'RecordDeal',
    path: '/deals',
    body: RecordDealBody,
    summary: 'Record a deal, at the status it was first learned at',
    description:
      'A deal may first be known as reported talks, an announcement, an MoU, a signed agreement or one in effect. `id` is generated from the name when absent.',
    creates: true,
  },
  {
    name: 'ChangeDealStatus',
    path: '/deals/:id/status-changes',
    body: ChangeDealStatusBody,
    summary: "Record a change of the deal's status, with its date and source",
    description:
      'Refused with 422 where the change makes no sense, the rule named in `type`: `/problems/deal-terminated`, `/problems/deal-completed`, `/problems/new-report-required-after-denial` (after a denial only a new report is accepted), `/problems/binding-deal-cannot-be-denied`, `/problems/status-cannot-go-back`, `/problems/status-unchanged`.',
  },
  {
    name: 'AmendDeal',
    path: '/deals/:id/amendments',
    body: AmendDealBody,
    summary: "Amend the deal's terms (value, parties, kinds, elements, stages, deposits)",
    description:
      'The previous terms are kept in the event. A terminated deal is not amended (`/problems/deal-terminated`).',
  },
  {
    name: 'RecordDealMilestone',
    path: '/deals/:id/milestones',
    body: RecordDealMilestoneBody,
    summary: 'Record a milestone: first shipment delivered, facility commissioned, financing closed…',
    description:
      'A terminated or denied deal takes no milestones (`/problems/milestone-on-terminated-deal`, `/problems/milestone-on-denied-deal`).',
  },
  {
    name: 'RecordDealReport',
    path: '/deals/:id/reports',
    body: RecordDealReportBody,
    summary: 'Record a report about the deal, kept beside the others even where they disagree',
  },
  {
    name: 'RetractFact',
    path: '/deals/:id/retractions',
    operationId: 'retractDealFact',
    body: RetractFactBody,
    summary: 'Retract a fact recorded by mistake',
    description:
      'Takes back one event of the deal (its `eventId` from the history). From now on the fact is out of the timeline; read with `recordedAsOf` before now, it is still there, and the history shows both. Refused with 422 when the timeline without it would break a rule; retracting its recording takes the deal out of current reads.',
  },
])
export type DealCommandName = (typeof dealCommandRoutes)[number]['name']
