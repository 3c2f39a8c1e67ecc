import { Problem } from '@ree/contracts'
import { CoordinatesFact, TemporalQuery } from '@ree/read-models'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'

/** The largest page of a `.geojson` list: one request draws a map of everything the ledger holds today. */
export const GEOJSON_MAX_FEATURES = 1000

export const GEOJSON_CONTENT_TYPE = 'application/geo+json'

/** The page of a GeoJSON list: as the JSON list's, with room for a whole map. */
export const GeoJsonPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(GEOJSON_MAX_FEATURES).default(GEOJSON_MAX_FEATURES),
  cursor: z.string().min(1).max(500).optional(),
})

/** RFC 7946 Point: longitude first, then latitude (WGS 84). */
export const PointGeometry = z
  .object({
    type: z.literal('Point'),
    coordinates: z
      .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)])
      .meta({ description: '[longitude, latitude], in that order (RFC 7946 §3.1.1)' }),
  })
  .meta({ id: 'GeoJsonPoint' })

export const Feature = <Shape extends z.ZodRawShape>(properties: z.ZodObject<Shape>) =>
  z.object({
    type: z.literal('Feature'),
    id: z.string(),
    geometry: PointGeometry,
    properties: properties.extend({ coordinatesFact: CoordinatesFact.optional() }),
  })

export const FeatureCollection = <Shape extends z.ZodRawShape>(properties: z.ZodObject<Shape>) =>
  z.object({
    type: z.literal('FeatureCollection'),
    features: z.array(Feature(properties)),
    excluded: z.number().int().min(0).meta({
      description:
        'A foreign member (RFC 7946 §6.1): how many entities of this page matched but have no coordinates, and so are left out of `features`',
    }),
    nextCursor: z.string().nullable().meta({
      description: 'A foreign member: pass as `cursor` for the next page; null on the last page',
    }),
  })

/** What the OpenAPI text says of a `.geojson` list. */
const geoJsonDescription = (entities: string) =>
  `An RFC 7946 FeatureCollection (\`${GEOJSON_CONTENT_TYPE}\`) of the ${entities} the list would return, with the same filters, \`asOf\` and \`recordedAsOf\`: one Point Feature per ${entities.replace(/s$/, '')} that has coordinates, \`[longitude, latitude]\`. Paged like the list, in id order, but up to ${GEOJSON_MAX_FEATURES.toLocaleString('en')} a page (the default): the ${entities} of a page without coordinates are left out and counted in \`excluded\`; \`nextCursor\` continues.`

type Located = {
  id: string
  coordinates?: { lat: number; lon: number } | undefined
  coordinatesFact?: z.output<typeof CoordinatesFact> | undefined
}

/** Builds the collection of one page: a Point per entity with coordinates, the others counted. */
export function featureCollection<Entity extends Located, Properties>(
  page: { items: readonly Entity[]; nextCursor: string | null },
  properties: (entity: Entity) => Properties,
) {
  const features = page.items.flatMap((entity) =>
    entity.coordinates
      ? [
          {
            type: 'Feature' as const,
            id: entity.id,
            geometry: {
              type: 'Point' as const,
              coordinates: [entity.coordinates.lon, entity.coordinates.lat] as [number, number],
            },
            // Where the point comes from: its date, sources and confidence.
            properties: entity.coordinatesFact
              ? { ...properties(entity), coordinatesFact: entity.coordinatesFact }
              : properties(entity),
          },
        ]
      : [],
  )
  return {
    type: 'FeatureCollection' as const,
    features,
    excluded: page.items.length - features.length,
    nextCursor: page.nextCursor,
  }
}

/** The query of a `.geojson` list: the JSON list's filters and times, its own page. */
export function geoJsonQuery<Shape extends z.ZodRawShape>(filters: z.ZodObject<Shape>) {
  return filters.extend(GeoJsonPageQuery.shape).extend(TemporalQuery.shape).strict()
}

/** A `GET <path>.geojson` route: the entities of a list page as a FeatureCollection. */
export function geoJsonList<Query extends z.ZodType, Entity extends Located, Shape extends z.ZodRawShape>(options: {
  path: string
  tag: string
  operationId: string
  entities: string
  querystring: Query
  properties: z.ZodObject<Shape>
  page: (query: z.output<Query>) => Promise<{ items: Entity[]; nextCursor: string | null }>
  toProperties: (entity: Entity) => z.output<z.ZodObject<Shape>>
  /** An answer as OpenAPI shows it. */
  example: { features: unknown[]; excluded: number }
}): FastifyPluginAsyncZod {
  // Typed as any schema: a generic FeatureCollection is more than the type provider can infer a reply from.
  const collection: z.ZodType = FeatureCollection(options.properties)
  return async function geoJson(app) {
    app.get(
      options.path,
      {
        schema: {
          tags: [options.tag],
          operationId: options.operationId,
          summary: `The ${options.entities} as a GeoJSON FeatureCollection, for maps`,
          description: geoJsonDescription(options.entities),
          querystring: options.querystring,
          response: {
            200: {
              description: 'A FeatureCollection of Points',
              content: {
                [GEOJSON_CONTENT_TYPE]: {
                  schema: collection,
                  example: { type: 'FeatureCollection', ...options.example, nextCursor: null },
                },
              },
            },
            400: Problem,
          },
        },
      },
      async (request, reply) => {
        // The type provider cannot see through a generic schema; `querystring` has parsed it as Query.
        const page = await options.page(request.query as z.output<Query>)
        reply.type(GEOJSON_CONTENT_TYPE)
        return featureCollection(page, options.toProperties)
      },
    )
  }
}
