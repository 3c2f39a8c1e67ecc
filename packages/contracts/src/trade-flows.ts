import { z } from 'zod'
import { defineEvent, type ContextDefinition, type DomainEventOf } from './catalog.ts'
import { defineCommandRoutes } from './commandRoutes.ts'
import {
  CommandProvenance,
  CountryCode,
  IsoDate,
  LegalReference,
  MAX_QUANTITY,
  MIN_QUANTITY,
  Provenance,
  RareEarthElement,
  RetractFactBody,
  RetractionFields,
  Slug,
} from './common.ts'

export const MaterialForm = z
  .enum(['ore', 'concentrate', 'mixed-carbonate', 'compound', 'oxide', 'metal', 'alloy', 'magnet', 'scrap'])
  .meta({
    id: 'MaterialForm',
    description:
      'The form of rare-earth material: `compound` for other chemical compounds, `scrap` for scrap and recycled feed',
  })
export type MaterialForm = z.infer<typeof MaterialForm>

const uniqueValues = (values: readonly string[]) => new Set(values).size === values.length

const Elements = z.array(RareEarthElement).max(17).refine(uniqueValues, 'each element may appear once')
const Forms = z.array(MaterialForm).max(9).refine(uniqueValues, 'each form may appear once')

export const Money = z
  .object({
    amount: z.number().min(MIN_QUANTITY).max(MAX_QUANTITY),
    currency: z
      .string()
      .max(3)
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code in capitals, e.g. "USD"')
      .meta({ examples: ['USD'] }),
  })
  .strict()
  .meta({ id: 'Money' })
export type Money = z.infer<typeof Money>

export const HsCode = z
  .string()
  .max(10)
  .regex(/^\d{4}(?:\.\d{2}){0,2}$/, 'must be a Harmonized System code such as "2846.90"')
  .meta({ description: 'Harmonized System code', examples: ['2846.90', '8505.11'] })

// Shipments

export const ShipmentStatus = z
  .enum(['booked', 'shipped', 'delivered', 'cancelled'])
  .meta({ id: 'ShipmentStatus', description: 'booked → shipped → delivered, or cancelled before delivery' })
export type ShipmentStatus = z.infer<typeof ShipmentStatus>

/** Where the ledger may first learn of a shipment: often only once it has arrived. */
export const RecordedShipmentStatus = ShipmentStatus.exclude(['cancelled']).meta({ id: 'RecordedShipmentStatus' })

export const ShipmentDetails = z.object({
  description: z.string().trim().min(1).max(500).optional(),
  origin: CountryCode.meta({ description: 'The country the material leaves' }),
  destination: CountryCode.meta({ description: 'The country the material goes to' }),
  exporter: z.string().min(1).max(200).optional(),
  importer: z.string().min(1).max(200).optional(),
  form: MaterialForm.optional().meta({ description: 'Absent when the sources do not say in what form it travels' }),
  elements: Elements.default([]),
  otherCommodities: z
    .array(z.string().min(1).max(100))
    .max(20)
    .default([])
    .meta({ description: 'What else travels with it', examples: [['antimony', 'copper concentrate']] }),
  quantityTonnes: z
    .number()
    .min(MIN_QUANTITY)
    .max(MAX_QUANTITY)
    .optional()
    .meta({ description: 'Absent when undisclosed: a tonnage is never estimated or invented' }),
  value: Money.optional(),
  hsCode: HsCode.optional(),
  depositId: Slug.optional().meta({ description: 'The deposit the material comes from' }),
  dealId: Slug.optional().meta({ description: 'The deal it is shipped under' }),
})

const ShipmentRef = z.object({ shipmentId: Slug })

export const ShipmentRecorded = defineEvent(
  'ShipmentRecorded',
  'ree.shipment.recorded.v1',
  ShipmentRef.extend(ShipmentDetails.shape).extend({ status: RecordedShipmentStatus }).extend(Provenance.shape),
)
export const ShipmentShipped = defineEvent(
  'ShipmentShipped',
  'ree.shipment.shipped.v1',
  ShipmentRef.extend(Provenance.shape),
)
export const ShipmentDelivered = defineEvent(
  'ShipmentDelivered',
  'ree.shipment.delivered.v1',
  ShipmentRef.extend(Provenance.shape),
)
export const ShipmentCancelled = defineEvent(
  'ShipmentCancelled',
  'ree.shipment.cancelled.v1',
  ShipmentRef.extend({ from: ShipmentStatus, reason: z.string().min(1).max(2000) }).extend(Provenance.shape),
)
export const ShipmentQuantityDisclosed = defineEvent(
  'ShipmentQuantityDisclosed',
  'ree.shipment.quantity-disclosed.v1',
  ShipmentRef.extend({
    quantityTonnes: z.number().min(MIN_QUANTITY).max(MAX_QUANTITY).optional(),
    value: Money.optional(),
  }).extend(Provenance.shape),
)

// Trade restrictions

export const RestrictionKind = z.enum(['export-halt', 'export-control', 'ban', 'tariff']).meta({
  id: 'RestrictionKind',
  description:
    '`export-control`: a licensing regime; `export-halt`: a stop by a company or state; `tariff` carries its rate',
})
export type RestrictionKind = z.infer<typeof RestrictionKind>

export const RestrictionStatus = z.enum(['in-force', 'suspended', 'lifted']).meta({
  id: 'RestrictionStatus',
  description: 'imposed → (expanded) → suspended until a date → reinstated or lifted',
})
export type RestrictionStatus = z.infer<typeof RestrictionStatus>

export const RestrictionActor = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('country'),
        country: CountryCode,
        authority: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .meta({ examples: ['MOFCOM / GAC'] }),
      })
      .strict(),
    z
      .object({ type: z.literal('company'), name: z.string().min(1).max(200), country: CountryCode.optional() })
      .strict(),
  ])
  .meta({ id: 'RestrictionActor', description: 'Who imposes it: a state, or a company deciding for itself' })
export type RestrictionActor = z.infer<typeof RestrictionActor>

export const RestrictionDestinations = z
  .union([z.literal('all'), z.array(CountryCode).min(1).max(250).refine(uniqueValues, 'each country may appear once')])
  .meta({ id: 'RestrictionDestinations', description: '`all`, or the destination countries it targets' })

export const RestrictionDetails = z.object({
  name: z.string().trim().min(1).max(300),
  actor: RestrictionActor,
  kind: RestrictionKind,
  tariffRatePercent: z
    .number()
    .min(MIN_QUANTITY)
    .max(MAX_QUANTITY)
    .max(1000)
    .optional()
    .meta({ description: 'Given for tariffs only' }),
  origin: CountryCode.meta({ description: 'The country the restricted material leaves' }),
  destinations: RestrictionDestinations.default('all'),
  elements: Elements.default([]).meta({ description: 'Empty when the measure names no element: it covers them all' }),
  forms: Forms.default([]).meta({ description: 'Empty when the measure names no form: it covers them all' }),
  legalReference: LegalReference.optional().meta({ examples: ['MOFCOM/GAC Announcement No. 18 (2025)'] }),
})

const RestrictionRef = z.object({ restrictionId: Slug })

export const RestrictionImposed = defineEvent(
  'RestrictionImposed',
  'ree.restriction.imposed.v1',
  RestrictionRef.extend(RestrictionDetails.shape).extend(Provenance.shape),
)
export const RestrictionExpanded = defineEvent(
  'RestrictionExpanded',
  'ree.restriction.expanded.v1',
  RestrictionRef.extend({
    addedElements: z.array(RareEarthElement),
    addedForms: z.array(MaterialForm),
    legalReference: LegalReference.optional(),
  }).extend(Provenance.shape),
)
export const RestrictionSuspended = defineEvent(
  'RestrictionSuspended',
  'ree.restriction.suspended.v1',
  RestrictionRef.extend({
    until: IsoDate.optional().meta({ description: 'The last day of the suspension; absent: until further notice' }),
    legalReference: LegalReference.optional(),
  }).extend(Provenance.shape),
)
export const RestrictionReinstated = defineEvent(
  'RestrictionReinstated',
  'ree.restriction.reinstated.v1',
  RestrictionRef.extend({ legalReference: LegalReference.optional() }).extend(Provenance.shape),
)
export const RestrictionLifted = defineEvent(
  'RestrictionLifted',
  'ree.restriction.lifted.v1',
  RestrictionRef.extend({ legalReference: LegalReference.optional() }).extend(Provenance.shape),
)

export const ShipmentFactRetracted = defineEvent(
  'ShipmentFactRetracted',
  'ree.shipment.fact-retracted.v1',
  ShipmentRef.extend(RetractionFields).extend(Provenance.shape),
)
export const RestrictionFactRetracted = defineEvent(
  'RestrictionFactRetracted',
  'ree.restriction.fact-retracted.v1',
  RestrictionRef.extend(RetractionFields).extend(Provenance.shape),
)

export const shipmentEvents = [
  ShipmentRecorded,
  ShipmentShipped,
  ShipmentDelivered,
  ShipmentCancelled,
  ShipmentQuantityDisclosed,
  ShipmentFactRetracted,
] as const
export const restrictionEvents = [
  RestrictionImposed,
  RestrictionExpanded,
  RestrictionSuspended,
  RestrictionReinstated,
  RestrictionLifted,
  RestrictionFactRetracted,
] as const

export const tradeFlowsContext = {
  name: 'trade-flows',
  source: '/ree/trade-flows',
  topic: 'ree.trade-flows.events.v1',
  schema: 'trade_flows',
  events: [...shipmentEvents, ...restrictionEvents],
} as const satisfies ContextDefinition

export type TradeFlowEvent = DomainEventOf<(typeof tradeFlowsContext.events)[number]>
export type ShipmentEvent = DomainEventOf<(typeof shipmentEvents)[number]>
export type RestrictionEvent = DomainEventOf<(typeof restrictionEvents)[number]>

// Command bodies, as clients send them.

export const RecordShipmentBody = ShipmentDetails.extend({
  id: Slug.optional().meta({ description: 'Chosen by the client; generated when absent' }),
  status: RecordedShipmentStatus.default('booked').meta({
    description: 'The stage it had reached when the ledger learned of it, on `effectiveDate`',
  }),
})
  .extend(CommandProvenance.shape)
  .strict()
  .refine((body) => body.origin !== body.destination, {
    message: 'a shipment crosses a border: destination must differ from origin',
    path: ['destination'],
  })
  .meta({ id: 'RecordShipment' })

const ShipmentStepBody = z.object({}).extend(CommandProvenance.shape).strict()

export const ShipShipmentBody = ShipmentStepBody.meta({ id: 'ShipShipment' })
export const DeliverShipmentBody = ShipmentStepBody.meta({ id: 'DeliverShipment' })

export const CancelShipmentBody = z
  .object({ reason: z.string().min(1).max(2000) })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({ id: 'CancelShipment' })

export const DiscloseShipmentQuantityBody = z
  .object({ quantityTonnes: z.number().min(MIN_QUANTITY).max(MAX_QUANTITY).optional(), value: Money.optional() })
  .extend(CommandProvenance.shape)
  .strict()
  .refine((body) => body.quantityTonnes !== undefined || body.value !== undefined, {
    message: 'give quantityTonnes or value',
    path: ['quantityTonnes'],
  })
  .meta({ id: 'DiscloseShipmentQuantity' })

export const ImposeRestrictionBody = RestrictionDetails.extend({
  id: Slug.optional().meta({ description: 'Chosen by the client; generated from the name when absent' }),
})
  .extend(CommandProvenance.shape)
  .strict()
  .refine((body) => (body.kind === 'tariff') === (body.tariffRatePercent !== undefined), {
    message: 'a tariff gives tariffRatePercent, and only a tariff does',
    path: ['tariffRatePercent'],
  })
  .meta({ id: 'ImposeRestriction' })

export const ExpandRestrictionBody = z
  .object({
    addElements: z.array(RareEarthElement).max(17).default([]),
    addForms: z.array(MaterialForm).max(9).default([]),
    legalReference: LegalReference.optional(),
  })
  .extend(CommandProvenance.shape)
  .strict()
  .refine((body) => body.addElements.length + body.addForms.length > 0, {
    message: 'name at least one element or form to add',
    path: ['addElements'],
  })
  .meta({ id: 'ExpandRestriction' })

export const SuspendRestrictionBody = z
  .object({
    until: IsoDate.optional().meta({ description: 'The last day of the suspension; absent: until further notice' }),
    legalReference: LegalReference.optional(),
  })
  .extend(CommandProvenance.shape)
  .strict()
  .refine((body) => body.until === undefined || body.until >= body.effectiveDate, {
    message: 'until is the last day of the suspension: on or after effectiveDate',
    path: ['until'],
  })
  .meta({ id: 'SuspendRestriction' })

export const ReinstateRestrictionBody = z
  .object({ legalReference: LegalReference.optional() })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({ id: 'ReinstateRestriction' })

export const LiftRestrictionBody = z
  .object({ legalReference: LegalReference.optional() })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({ id: 'LiftRestriction' })

export const shipmentCommandRoutes = defineCommandRoutes([
  {
    name: 'RecordShipment',
    path: '/shipments',
    body: RecordShipmentBody,
    summary: 'Record a shipment',
    description:
      'Records a shipment at the stage it had reached on `effectiveDate` (booked unless told). Leave `quantityTonnes` out when the tonnage is undisclosed.',
    creates: true,
  },
  {
    name: 'ShipShipment',
    path: '/shipments/:id/departures',
    body: ShipShipmentBody,
    summary: 'Record that a booked shipment has left',
  },
  {
    name: 'DeliverShipment',
    path: '/shipments/:id/deliveries',
    body: DeliverShipmentBody,
    summary: 'Record that a shipped shipment has arrived',
  },
  {
    name: 'CancelShipment',
    path: '/shipments/:id/cancellations',
    body: CancelShipmentBody,
    summary: 'Cancel a shipment before delivery, with the reason',
    description: 'A delivered shipment cannot be cancelled (422 `/problems/delivered-shipment-not-cancellable`).',
  },
  {
    name: 'DiscloseShipmentQuantity',
    path: '/shipments/:id/quantity-disclosures',
    body: DiscloseShipmentQuantityBody,
    summary: 'Record a tonnage or value disclosed after the shipment was recorded',
  },
  {
    name: 'RetractFact',
    path: '/shipments/:id/retractions',
    operationId: 'retractShipmentFact',
    body: RetractFactBody,
    summary: 'Retract a fact recorded by mistake',
    description:
      'Takes back one event of the shipment (its `eventId` from the history). From now on the fact is out of the timeline; read with `recordedAsOf` before now, it is still there, and the history shows both. Refused with 422 when the timeline without it would break a rule; retracting its recording takes the shipment out of current reads.',
  },
])
export type ShipmentCommandName = (typeof shipmentCommandRoutes)[number]['name']

export const restrictionCommandRoutes = defineCommandRoutes([
  {
    name: 'ImposeRestriction',
    path: '/restrictions',
    body: ImposeRestrictionBody,
    summary: 'Record a trade restriction imposed by a country or a company',
    description: '`effectiveDate` is the day it takes effect. `id` is generated from the name when absent.',
    creates: true,
  },
  {
    name: 'ExpandRestriction',
    path: '/restrictions/:id/expansions',
    body: ExpandRestrictionBody,
    summary: 'Extend a restriction to more elements or forms',
  },
  {
    name: 'SuspendRestriction',
    path: '/restrictions/:id/suspensions',
    body: SuspendRestrictionBody,
    summary: 'Suspend a restriction in force, until a date or further notice',
  },
  {
    name: 'ReinstateRestriction',
    path: '/restrictions/:id/reinstatements',
    body: ReinstateRestrictionBody,
    summary: 'Put a suspended restriction back in force',
  },
  {
    name: 'LiftRestriction',
    path: '/restrictions/:id/liftings',
    body: LiftRestrictionBody,
    summary: 'Lift a restriction for good',
  },
  {
    name: 'RetractFact',
    path: '/restrictions/:id/retractions',
    operationId: 'retractRestrictionFact',
    body: RetractFactBody,
    summary: 'Retract a fact recorded by mistake',
    description:
      'Takes back one event of the restriction (its `eventId` from the history). From now on the fact is out of the timeline; read with `recordedAsOf` before now, it is still there, and the history shows both. Refused with 422 when the timeline without it would break a rule; retracting its imposition takes the restriction out of current reads.',
  },
])
export type RestrictionCommandName = (typeof restrictionCommandRoutes)[number]['name']
