import {
  type CloudEvent,
  CountryCode,
  countryName,
  decodeEvent,
  HsCode,
  IsoDate,
  MaterialForm,
  Money,
  RareEarthElement,
  ShipmentStatus,
  tradeFlowsContext,
} from '@ree/contracts'
import { z } from 'zod'
import { definedFields, Fact, factOf } from '../fact.ts'

export const ShipmentStatusChange = Fact.extend({
  status: ShipmentStatus,
  from: ShipmentStatus.optional(),
  reason: z.string().optional(),
}).meta({ id: 'ShipmentStatusChange' })

export const ShipmentDisclosure = Fact.extend({
  quantityTonnes: z.number().optional(),
  value: Money.optional(),
}).meta({ id: 'ShipmentDisclosure' })

export const ShipmentView = z
  .object({
    id: z.string(),
    description: z.string().optional(),
    origin: CountryCode,
    originName: z.string(),
    destination: CountryCode,
    destinationName: z.string(),
    exporter: z.string().optional(),
    importer: z.string().optional(),
    form: MaterialForm.optional().meta({ description: 'Absent when undisclosed' }),
    elements: z.array(RareEarthElement),
    otherCommodities: z.array(z.string()),
    quantityTonnes: z.number().optional().meta({ description: 'Absent when undisclosed; never estimated' }),
    tonnageDisclosed: z.boolean(),
    value: Money.optional(),
    hsCode: HsCode.optional(),
    depositId: z.string().optional(),
    dealId: z.string().optional(),
    status: ShipmentStatus,
    statusSince: IsoDate,
    bookedOn: IsoDate.optional(),
    shippedOn: IsoDate.optional(),
    deliveredOn: IsoDate.optional(),
    cancelledOn: IsoDate.optional(),
    flowDate: IsoDate.meta({
      description: 'The date the date-range filters and corridor quarters use: shipped, else delivered, else booked',
    }),
    statusHistory: z.array(ShipmentStatusChange),
    disclosures: z.array(ShipmentDisclosure),
    recording: Fact,
    version: z.number().int().meta({ description: 'Stream version; the ETag of this shipment' }),
    lastRecordedAt: z.string(),
  })
  .meta({ id: 'Shipment' })
export type ShipmentView = z.output<typeof ShipmentView>

const dateField = {
  booked: 'bookedOn',
  shipped: 'shippedOn',
  delivered: 'deliveredOn',
  cancelled: 'cancelledOn',
} as const

function withStatus(view: ShipmentView, change: z.output<typeof ShipmentStatusChange>): ShipmentView {
  const next: ShipmentView = {
    ...view,
    status: change.status,
    statusSince: change.effectiveDate,
    statusHistory: [...view.statusHistory, change],
    [dateField[change.status]]: change.effectiveDate,
  }
  next.flowDate = flowDateOf(next)
  return next
}

function flowDateOf(view: ShipmentView): string {
  return view.shippedOn ?? view.deliveredOn ?? view.bookedOn ?? view.recording.effectiveDate
}

/**
 * The query side's own fold over a shipment's CloudEvents: pure, so the projection
 * stores it and `asOf` reads replay it. Events before the recording leave it undefined.
 */
export function evolveShipmentView(view: ShipmentView | undefined, event: CloudEvent): ShipmentView | undefined {
  const domainEvent = decodeEvent(tradeFlowsContext, event)
  const base = { version: event.streamversion, lastRecordedAt: event.time }
  if (domainEvent.type === 'ShipmentRecorded') {
    const data = domainEvent.data
    const fact = factOf(event, data)
    const recorded: ShipmentView = {
      id: data.shipmentId,
      ...definedFields(data, [
        'description',
        'exporter',
        'importer',
        'form',
        'quantityTonnes',
        'value',
        'hsCode',
        'depositId',
        'dealId',
      ] as const),
      origin: data.origin,
      originName: countryName(data.origin),
      destination: data.destination,
      destinationName: countryName(data.destination),
      elements: data.elements,
      otherCommodities: data.otherCommodities,
      tonnageDisclosed: data.quantityTonnes !== undefined,
      status: data.status,
      statusSince: event.effectivedate,
      [dateField[data.status]]: event.effectivedate,
      flowDate: event.effectivedate,
      statusHistory: [{ status: data.status, ...fact }],
      disclosures: [],
      recording: fact,
      ...base,
    }
    return recorded
  }
  if (!view) return undefined
  switch (domainEvent.type) {
    case 'ShipmentShipped':
      return {
        ...withStatus(view, { status: 'shipped', from: view.status, ...factOf(event, domainEvent.data) }),
        ...base,
      }
    case 'ShipmentDelivered':
      return {
        ...withStatus(view, { status: 'delivered', from: view.status, ...factOf(event, domainEvent.data) }),
        ...base,
      }
    case 'ShipmentCancelled': {
      const change = {
        status: 'cancelled' as const,
        from: view.status,
        reason: domainEvent.data.reason,
        ...factOf(event, domainEvent.data),
      }
      return { ...withStatus(view, change), ...base }
    }
    case 'ShipmentQuantityDisclosed': {
      const figures = definedFields(domainEvent.data, ['quantityTonnes', 'value'] as const)
      const next: ShipmentView = {
        ...view,
        ...figures,
        disclosures: [...view.disclosures, { ...figures, ...factOf(event, domainEvent.data) }],
        ...base,
      }
      next.tonnageDisclosed = next.quantityTonnes !== undefined
      return next
    }
    case 'RestrictionImposed':
    case 'RestrictionExpanded':
    case 'RestrictionSuspended':
    case 'RestrictionReinstated':
    case 'RestrictionLifted':
    case 'ShipmentFactRetracted':
    case 'RestrictionFactRetracted':
      return view
    default: {
      const unexpected: never = domainEvent
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}
