import { type RetractFact, type ShipmentEvent, type TradeFlowEvent, timelineRules } from '@ree/contracts'
import { deciderSpec, on } from '@ree/testing'
import t from 'tap'
import { type ShipmentCommand, shipmentDecider, shipmentRules } from '../src/index.ts'

const provenance = {
  sources: [{ publisher: 'Benzinga', publishedOn: '2025-10-03' }],
  confidence: 'normal' as const,
}
const details = {
  origin: 'PK',
  destination: 'US',
  importer: 'US Strategic Metals',
  elements: ['Nd' as const, 'Pr' as const],
  otherCommodities: ['antimony'],
}
const recorded = (status: 'booked' | 'shipped' | 'delivered', extra: object = {}): TradeFlowEvent =>
  ({
    type: 'ShipmentRecorded',
    data: {
      shipmentId: 'pk-us-test',
      ...details,
      status,
      ...extra,
      ...provenance,
    },
  }) as ShipmentEvent
const shipped: TradeFlowEvent = {
  type: 'ShipmentShipped',
  data: { shipmentId: 'pk-us-test', ...provenance },
}
const delivered: TradeFlowEvent = {
  type: 'ShipmentDelivered',
  data: { shipmentId: 'pk-us-test', ...provenance },
}
const cancelled: TradeFlowEvent = {
  type: 'ShipmentCancelled',
  data: {
    shipmentId: 'pk-us-test',
    from: 'booked',
    reason: 'withdrawn',
    ...provenance,
  },
}
const disclosed = (quantityTonnes: number): TradeFlowEvent => ({
  type: 'ShipmentQuantityDisclosed',
  data: { shipmentId: 'pk-us-test', quantityTonnes, ...provenance },
})
const command = <Type extends ShipmentCommand['type']>(
  type: Type,
  data: Extract<ShipmentCommand, { type: Type }>['data'],
) => ({ type, shipmentId: 'pk-us-test', data }) as ShipmentCommand

t.test('recording', async (t) => {
  const given = deciderSpec(shipmentDecider, t)
  given([])
    .when(
      command('RecordShipment', {
        ...details,
        status: 'booked',
        ...provenance,
      }),
    )
    .then([recorded('booked')], 'records a booked shipment')
  given([])
    .when(
      command('RecordShipment', {
        ...details,
        status: 'delivered',
        ...provenance,
      }),
    )
    .then(
      [recorded('delivered')],
      'a shipment first learned of on arrival is recorded as delivered, its tonnage left out',
    )
  given([recorded('booked')])
    .when(
      command('RecordShipment', {
        ...details,
        status: 'booked',
        ...provenance,
      }),
    )
    .thenThrows({ code: shipmentRules.alreadyRecorded }, 'an id is taken once')
  given([])
    .when(command('ShipShipment', provenance))
    .thenThrows({ code: shipmentRules.notFound }, 'commands on an unknown shipment are refused')
})

t.test('quantities are positive', async (t) => {
  const given = deciderSpec(shipmentDecider, t)
  for (const quantityTonnes of [0, -5, Number.NaN]) {
    given([])
      .when(
        command('RecordShipment', {
          ...details,
          quantityTonnes,
          status: 'booked',
          ...provenance,
        }),
      )
      .thenThrows({ code: shipmentRules.quantityNotPositive }, `${quantityTonnes} t is refused`)
  }
  given([])
    .when(
      command('RecordShipment', {
        ...details,
        value: { amount: -1, currency: 'USD' },
        status: 'booked',
        ...provenance,
      }),
    )
    .thenThrows({ code: shipmentRules.quantityNotPositive }, 'a negative value is refused')
  given([recorded('delivered')])
    .when(command('DiscloseShipmentQuantity', { quantityTonnes: 0, ...provenance }))
    .thenThrows({ code: shipmentRules.quantityNotPositive })
})

t.test('booked → shipped → delivered', async (t) => {
  const given = deciderSpec(shipmentDecider, t)
  given([recorded('booked')])
    .when(command('ShipShipment', provenance))
    .then([shipped])
  given([recorded('booked'), shipped])
    .when(command('DeliverShipment', provenance))
    .then([delivered])
  given([recorded('booked')])
    .when(command('DeliverShipment', provenance))
    .thenThrows({ code: shipmentRules.notShipped }, 'delivery does not skip departure')
  given([recorded('booked'), shipped])
    .when(command('ShipShipment', provenance))
    .thenThrows({ code: shipmentRules.alreadyShipped })
  given([recorded('delivered')])
    .when(command('ShipShipment', provenance))
    .thenThrows({ code: shipmentRules.alreadyShipped })
  given([recorded('booked'), shipped, delivered])
    .when(command('DeliverShipment', provenance))
    .thenThrows({ code: shipmentRules.alreadyDelivered })
})

t.test('cancelled before delivery, never after', async (t) => {
  const given = deciderSpec(shipmentDecider, t)
  given([recorded('booked')])
    .when(command('CancelShipment', { reason: 'withdrawn', ...provenance }))
    .then([cancelled])
  given([recorded('shipped')])
    .when(command('CancelShipment', { reason: 'lost at sea', ...provenance }))
    .then([
      {
        type: 'ShipmentCancelled',
        data: {
          shipmentId: 'pk-us-test',
          from: 'shipped',
          reason: 'lost at sea',
          ...provenance,
        },
      },
    ])
  given([recorded('booked'), shipped, delivered])
    .when(command('CancelShipment', { reason: 'too late', ...provenance }))
    .thenThrows({ code: shipmentRules.deliveredNotCancellable }, 'a delivered shipment cannot be cancelled')
  given([recorded('delivered')])
    .when(command('CancelShipment', { reason: 'too late', ...provenance }))
    .thenThrows({ code: shipmentRules.deliveredNotCancellable })
  given([recorded('booked'), cancelled])
    .when(command('CancelShipment', { reason: 'again', ...provenance }))
    .thenThrows({ code: shipmentRules.cancelled })
  given([recorded('booked'), cancelled])
    .when(command('ShipShipment', provenance))
    .thenThrows({ code: shipmentRules.cancelled })
  given([recorded('shipped'), cancelled])
    .when(command('DeliverShipment', provenance))
    .thenThrows({ code: shipmentRules.cancelled })
})

t.test('tonnage disclosed later', async (t) => {
  const given = deciderSpec(shipmentDecider, t)
  given([recorded('delivered')])
    .when(
      command('DiscloseShipmentQuantity', {
        quantityTonnes: 12.5,
        ...provenance,
      }),
    )
    .then([
      {
        type: 'ShipmentQuantityDisclosed',
        data: { shipmentId: 'pk-us-test', quantityTonnes: 12.5, ...provenance },
      },
    ])
  given([recorded('delivered', { quantityTonnes: 12.5 })])
    .when(
      command('DiscloseShipmentQuantity', {
        quantityTonnes: 12.5,
        ...provenance,
      }),
    )
    .thenThrows({ code: shipmentRules.nothingDisclosed })
  given([recorded('delivered', { quantityTonnes: 12.5 })])
    .when(
      command('DiscloseShipmentQuantity', {
        quantityTonnes: 12.5,
        value: { amount: 1000, currency: 'USD' },
        ...provenance,
      }),
    )
    .then(
      [
        {
          type: 'ShipmentQuantityDisclosed',
          data: {
            shipmentId: 'pk-us-test',
            value: { amount: 1000, currency: 'USD' },
            ...provenance,
          },
        },
      ],
      'only what changes is recorded',
    )
})

const ids = {
  recording: '30000000-0000-4000-8000-000000000001',
  departure: '30000000-0000-4000-8000-000000000002',
  delivery: '30000000-0000-4000-8000-000000000003',
  cancellation: '30000000-0000-4000-8000-000000000004',
  retraction: '30000000-0000-4000-8000-000000000005',
}
/** Where a refusal says the timeline breaks. */
const breaksAt = (code: string, eventId: string) => ({ code, details: { breaksAt: { eventId } } })
const cancelledFrom = (from: 'booked' | 'shipped'): TradeFlowEvent => ({
  type: 'ShipmentCancelled',
  data: { shipmentId: 'pk-us-test', from, reason: 'withdrawn', ...provenance },
})
const cancel = command('CancelShipment', { reason: 'withdrawn', ...provenance })
const retractFact = (eventId: string): RetractFact => ({
  type: 'RetractFact',
  data: { eventId, reason: 'recorded by mistake', ...provenance },
})
/** A retraction of the creation: it ends the lifecycle recorded so far. */
const ending = <Event extends { data: object }>(event: Event): Event => ({
  ...event,
  data: { ...event.data, endsLifecycle: true },
})
const retracted = (retractedEventId: string, retractedType: string): TradeFlowEvent => ({
  type: 'ShipmentFactRetracted',
  data: { shipmentId: 'pk-us-test', retractedEventId, retractedType, reason: 'recorded by mistake', ...provenance },
})
const journey = [
  on('2025-09-01', recorded('booked'), ids.recording),
  on('2025-09-20', shipped, ids.departure),
  on('2025-10-02', delivered, ids.delivery),
]

t.test('a fact learned late takes its place in valid time', async (t) => {
  const given = deciderSpec(shipmentDecider, t)
  given([on('2025-09-01', recorded('booked')), on('2025-10-10', cancelledFrom('booked'))])
    .when(command('ShipShipment', provenance), '2025-09-20')
    .then([shipped], 'a departure learned late, before the cancellation, is accepted')
  given(journey)
    .when(cancel, '2025-09-10')
    .thenThrows(
      breaksAt(shipmentRules.cancelled, ids.departure),
      'a late cancellation would leave the departure after it',
    )
  given(journey)
    .when(cancel, '2025-09-25')
    .thenThrows(breaksAt(shipmentRules.cancelled, ids.delivery), 'or the delivery')
  given(journey)
    .when(cancel, '2025-10-05')
    .thenThrows({ code: shipmentRules.deliveredNotCancellable }, 'and after the delivery it cannot be cancelled')
  given([
    on('2025-09-01', recorded('booked')),
    on('2025-09-20', shipped),
    on('2025-10-10', cancelledFrom('shipped'), ids.cancellation),
  ])
    .when(command('DeliverShipment', provenance), '2025-10-02')
    .thenThrows(
      breaksAt(shipmentRules.deliveredNotCancellable, ids.cancellation),
      'a delivery learned late may not come before a recorded cancellation',
    )
  given([on('2025-10-02', recorded('delivered'))])
    .when(command('ShipShipment', provenance), '2025-09-20')
    .thenThrows(
      { code: timelineRules.datedBeforeCreation },
      'a shipment first learned of on arrival has no earlier facts',
    )
  given([on('2025-10-02', recorded('delivered')), on('2025-10-20', disclosed(12.5))])
    .when(command('DiscloseShipmentQuantity', { quantityTonnes: 12.5, ...provenance }), '2025-10-10')
    .then([disclosed(12.5)], 'a disclosure is judged against the figures on its date')
})

t.test('facts on the same date follow their record order', async (t) => {
  const given = deciderSpec(shipmentDecider, t)
  given([on('2025-09-01', recorded('booked')), on('2025-09-20', shipped)])
    .when(command('DeliverShipment', provenance), '2025-09-20')
    .then([delivered], 'delivered the day it left')
  given([on('2025-09-01', recorded('booked')), on('2025-09-20', shipped), on('2025-09-20', delivered)])
    .when(cancel, '2025-09-20')
    .thenThrows(
      { code: shipmentRules.deliveredNotCancellable },
      'a cancellation recorded after the delivery of that day follows it',
    )
})

t.test('a departure announced ahead', async (t) => {
  const given = deciderSpec(shipmentDecider, t)
  const ahead = [on('2025-09-01', recorded('booked')), on('2027-01-15', shipped, ids.departure)]
  given(ahead)
    .when(cancel, '2026-06-01')
    .thenThrows(breaksAt(shipmentRules.cancelled, ids.departure), 'a cancellation before it would strand it')
  given(ahead)
    .when(command('DeliverShipment', provenance), '2026-06-01')
    .thenThrows({ code: shipmentRules.notShipped }, 'it has not left before its day')
  given(ahead).when(command('DeliverShipment', provenance), '2027-02-01').then([delivered], 'after its day it has')
})

t.test('retractions', async (t) => {
  const given = deciderSpec(shipmentDecider, t)
  given(journey)
    .when(retractFact(ids.departure))
    .thenThrows(breaksAt(shipmentRules.notShipped, ids.delivery), 'without the departure the delivery would skip it')
  given(journey)
    .when(retractFact(ids.delivery))
    .then([retracted(ids.delivery, 'ShipmentDelivered')])
  const withRetraction = [...journey, on('2025-10-02', retracted(ids.delivery, 'ShipmentDelivered'), ids.retraction)]
  given(withRetraction).when(retractFact(ids.delivery)).thenThrows({ code: timelineRules.alreadyRetracted })
  given(withRetraction).when(retractFact(ids.retraction)).thenThrows({ code: timelineRules.retractionNotRetractable })
  const notFound = { code: timelineRules.eventNotFound, kind: 'not-found' }
  given(journey).when(retractFact('30000000-0000-4000-8000-00000000dead')).thenThrows(notFound)
  given(withRetraction)
    .when(cancel, '2025-10-05')
    .then([cancelledFrom('shipped')], 'once the delivery is retracted the shipment can be cancelled')
  given([
    on('2025-09-01', recorded('booked')),
    on('2025-09-20', shipped),
    on('2025-09-25', cancelledFrom('shipped'), ids.cancellation),
    on('2025-09-25', retracted(ids.cancellation, 'ShipmentCancelled')),
  ])
    .when(command('DeliverShipment', provenance), '2025-10-02')
    .then([delivered], 'a cancellation recorded by mistake, once retracted, no longer stops the delivery')
})

t.test('retracting the recording takes its whole lifecycle with it', async (t) => {
  const given = deciderSpec(shipmentDecider, t)
  given(journey)
    .when(retractFact(ids.recording))
    .then([ending(retracted(ids.recording, 'ShipmentRecorded'))])
  const unrecorded = [...journey, on('2025-09-01', ending(retracted(ids.recording, 'ShipmentRecorded')))]
  given(unrecorded).when(cancel, '2025-09-05').thenThrows({ code: shipmentRules.notFound })
  given(unrecorded)
    .when(command('RecordShipment', { ...details, status: 'booked', ...provenance }), '2025-09-05')
    .then([recorded('booked')], 'recorded again, it starts afresh')
  given(unrecorded)
    .when(command('RecordShipment', { ...details, status: 'delivered', ...provenance }), '2025-09-05')
    .then([recorded('delivered')], 'the old departure does not come back after the delivery')
  given(unrecorded).when(retractFact(ids.departure)).thenThrows({ code: 'already-retracted' }, 'its facts went with it')
})
