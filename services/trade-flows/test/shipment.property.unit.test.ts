import { RecordedShipmentStatus, type ShipmentStatus, type TimelineEntry, type TradeFlowEvent } from '@ree/contracts'
import { assertCoverage, assertTimelineProperties, timelineSteps } from '@ree/testing'
import fc from 'fast-check'
import t from 'tap'
import { type ShipmentCommand, shipmentDecider } from '../src/index.ts'

const provenance = { sources: [{ publisher: 'Benzinga' }], confidence: 'normal' as const }
const shipmentId = 'prop-shipment'
const details = { origin: 'PK', destination: 'US', elements: [], otherCommodities: [] }

const record = fc
  .constantFrom(...RecordedShipmentStatus.options)
  .map(
    (status): ShipmentCommand => ({ type: 'RecordShipment', shipmentId, data: { ...details, status, ...provenance } }),
  )
const next = fc.oneof(
  fc.constant<ShipmentCommand>({ type: 'ShipShipment', shipmentId, data: provenance }),
  fc.constant<ShipmentCommand>({ type: 'DeliverShipment', shipmentId, data: provenance }),
  fc.constant<ShipmentCommand>({ type: 'CancelShipment', shipmentId, data: { reason: 'withdrawn', ...provenance } }),
  fc.constantFrom(10, 20).map(
    (quantityTonnes): ShipmentCommand => ({
      type: 'DiscloseShipmentQuantity',
      shipmentId,
      data: { quantityTonnes, ...provenance },
    }),
  ),
)

/** booked → shipped → delivered, or cancelled before delivery, stated over the timeline apart from the decider. */
function invariants(timeline: readonly TimelineEntry<TradeFlowEvent>[]): string | undefined {
  let status: ShipmentStatus | undefined
  for (const { event, effectiveDate } of timeline) {
    const on = ` on ${effectiveDate}`
    if (event.type === 'ShipmentRecorded') {
      if (status !== undefined) return `recorded twice${on}`
      status = event.data.status
      continue
    }
    if (status === undefined) continue
    const to =
      event.type === 'ShipmentShipped'
        ? 'shipped'
        : event.type === 'ShipmentDelivered'
          ? 'delivered'
          : event.type === 'ShipmentCancelled'
            ? 'cancelled'
            : undefined
    if (to === undefined) continue
    if (status === 'cancelled') return `cancelled, then ${to}${on}`
    if (status === 'delivered') return `delivered, then ${to}${on}`
    if (to === 'shipped' && status !== 'booked') return `shipped when ${status}${on}`
    if (to === 'delivered' && status !== 'shipped') return `delivered when ${status}${on}`
    status = to
  }
  return undefined
}

t.test('any history of accepted shipment facts keeps the timeline and the lifecycle', async (t) => {
  const counts = assertTimelineProperties({
    decider: shipmentDecider,
    steps: timelineSteps(record, next),
    invariants,
    numRuns: 300,
    provenance,
  })
  assertCoverage(t, counts)
})
