export { buildProjectionApp, type ProjectionDeps } from './app.ts'
