import { Problem, RareEarthElement } from '@ree/contracts'
import {
  Concentration,
  ConcentrationQuery,
  concentration,
  ElementSupply,
  elementSupply,
  TemporalQuery,
} from '@ree/read-models'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'
import { z } from 'zod'

const tag = 'Supply chain'

export function supplyRoutes(options: { pool: pg.Pool }): FastifyPluginAsyncZod {
  const { pool } = options
  return async function supply(app) {
    app.get(
      '/elements/:symbol/supply',
      {
        schema: {
          tags: [tag],
          operationId: 'getElementSupply',
          summary: 'Where an element stands in the supply chain, now or as of a date',
          description:
            'Counted from the read models at the valid date and record time asked: the deposits whose recorded elements include it, by country and stage (and how many are blocked); the deals that name it, by status; and the restrictions in force that day that cover it, by naming it or by naming no element. A deposit whose elements are not recorded is not counted. Each count links to its list with the same times.',
          params: z.object({ symbol: RareEarthElement }),
          querystring: TemporalQuery.strict(),
          response: { 200: ElementSupply, 400: Problem },
        },
      },
      async (request) => elementSupply(pool, request.params.symbol, request.query),
    )

    app.get(
      '/supply-chain/concentration',
      {
        schema: {
          tags: [tag],
          operationId: 'getConcentration',
          summary: 'How concentrated a stage of the supply chain is, and how much of it lies outside China',
          description:
            "From the read models at the valid date and record time asked. `mining`: each country's share of the mine production recorded for the latest year with a figure for China, and the Herfindahl–Hirschman index over them. Other stages: China's share from its most recent reported share-of-world figure at the stage, the rest shared among the countries outside China in proportion to the latest nameplate capacity of their operating facilities; the index then, and the least and most it can be with what is missing. `restsOn` names every fact used, with its sources and confidence; `missing` and `lowConfidence` say what the answer lacks.",
          querystring: ConcentrationQuery,
          response: { 200: Concentration, 400: Problem },
        },
      },
      async (request) => concentration(pool, request.query),
    )
  }
}
