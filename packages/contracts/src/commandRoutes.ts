import type { z } from 'zod'

/**
 * A command as an HTTP route: the write service handles it, the gateway forwards
 * and documents it. Defined once, so the two cannot drift apart.
 */
export interface CommandRoute<Name extends string = string> {
  name: Name
  /** Path below the API version, e.g. `/deposits/:id/stage-advances`. */
  path: string
  body: z.ZodType
  summary: string
  description?: string
  /** The OpenAPI operationId, where the command's name is shared by several entities (RetractFact). */
  operationId?: string
  /** The path's `id` parameter, where it is not a slug (a country's ISO code). */
  params?: z.ZodType
  /** The command creates the entity: 201 with `Location`. */
  creates?: boolean
}

export function defineCommandRoutes<const Routes extends readonly CommandRoute[]>(routes: Routes): Routes {
  return routes
}
