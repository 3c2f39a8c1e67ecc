import type { ShipmentEvent, TradeFlowEvent } from '@ree/contracts'
import { deciderSpec } from '@ree/testing'
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

t.test('a shipment moves on no earlier than the status it is at', async (t) => {
  const given = deciderSpec(shipmentDecider, t)
  const shippedOn = { ...recorded('shipped'), metadata: { effectiveDate: '2025-09-20' } } as TradeFlowEvent
  given([shippedOn])
    .when({ ...command('DeliverShipment', provenance), effectiveDate: '2025-09-19' } as ShipmentCommand)
    .thenThrows({ code: shipmentRules.datedBeforeCurrentStatus }, 'delivered before it was shipped is refused')
  given([shippedOn])
    .when({ ...command('DeliverShipment', provenance), effectiveDate: '2025-10-02' } as ShipmentCommand)
    .then([delivered])
})
