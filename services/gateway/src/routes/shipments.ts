import { CloudEvent, entityTag, Problem, Slug, shipmentCommandRoutes } from '@ree/contracts'
import { HttpProblem } from '@ree/platform'
import {
  complianceOf,
  getShipment,
  HistoryQuery,
  listShipments,
  Page,
  restrictionExists,
  ShipmentCompliance,
  ShipmentListQuery,
  ShipmentView,
  shipmentExists,
  shipmentHistory,
  shipmentModel,
  TemporalQuery,
} from '@ree/read-models'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'
import { z } from 'zod'
import type { CommandClient } from '../commandClient.ts'
import { ConsistencyQuery, waitForVersion } from '../consistency.ts'
import { forwardCommands } from './forward.ts'

const tag = 'Shipments'
const IdParams = z.object({ id: Slug })
const notFound = (id: string) => new HttpProblem('not-found', `no shipment ${id} is known to the read model`)
const ShipmentDetail = ShipmentView.extend({
  compliance: ShipmentCompliance.meta({
    description:
      'The restrictions in force on its date that reach it (or none), checked against the restrictions as known',
  }),
}).meta({ id: 'ShipmentDetail' })

export function shipmentRoutes(options: { pool: pg.Pool; commands: CommandClient }): FastifyPluginAsyncZod {
  const { pool } = options
  return async function shipments(app) {
    app.get(
      '/shipments',
      {
        schema: {
          tags: [tag],
          operationId: 'listShipments',
          summary: 'List shipments, filtered, a page at a time',
          description:
            'Ordered by id. `dateFrom` and `dateTo` apply to the day a shipment left (else arrived, else was booked). With `asOf` or `recordedAsOf`, each shipment is shown as it stood then, and the filters apply to that state. `affectedBy` names a restriction: 404 when the ledger knows none by that id.',
          querystring: ShipmentListQuery,
          response: { 200: Page(ShipmentView), 400: Problem, 404: Problem },
        },
      },
      async (request) => {
        const restriction = request.query.affectedBy
        if (restriction !== undefined && !(await restrictionExists(pool, restriction))) {
          throw new HttpProblem('not-found', `no restriction ${restriction} is known to the read model`)
        }
        return listShipments(pool, request.query)
      },
    )

    app.get(
      '/shipments/:id',
      {
        schema: {
          tags: [tag],
          operationId: 'getShipment',
          summary: 'One shipment, now or as of a past date, with the restrictions in force on its date that reach it',
          description:
            "`compliance` lists the restrictions in force on the shipment's date (shipped, else delivered, else booked) with its origin, a destination they target, and an element, form and (for a company's own measure) exporter they name or none; `possibly` where the shipment leaves that detail undisclosed. Judged on the restrictions as known at the read's record time, and, when that differs, as known when the shipment was recorded.",
          querystring: TemporalQuery.extend(ConsistencyQuery.shape).strict(),
          params: IdParams,
          response: { 200: ShipmentDetail, 400: Problem, 404: Problem, 503: Problem },
        },
      },
      async (request, reply) => {
        const { id } = request.params
        await waitForVersion(pool, shipmentModel, id, request.query.minVersion)
        const view = await getShipment(pool, id, request.query)
        if (!view) throw notFound(id)
        reply.header('etag', entityTag(view.version))
        return { ...view, compliance: await complianceOf(pool, view, request.query) }
      },
    )

    app.get(
      '/shipments/:id/history',
      {
        schema: {
          tags: [tag],
          operationId: 'getShipmentHistory',
          summary: "A shipment's events, as CloudEvents, in the order they were recorded",
          querystring: HistoryQuery.extend(ConsistencyQuery.shape).strict(),
          params: IdParams,
          response: { 200: Page(CloudEvent), 400: Problem, 404: Problem, 503: Problem },
        },
      },
      async (request) => {
        const { id } = request.params
        await waitForVersion(pool, shipmentModel, id, request.query.minVersion)
        if (!(await shipmentExists(pool, id))) throw notFound(id)
        return shipmentHistory(pool, id, request.query)
      },
    )

    await app.register(
      forwardCommands({ routes: shipmentCommandRoutes, client: options.commands, tag, model: shipmentModel }),
    )
  }
}
