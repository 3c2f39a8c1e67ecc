export { type DatedEvent, deciderSpec, on, SPEC_DATE } from './decider.ts'
export { createTestDatabase, type TestDatabase, testServerUrl } from './postgres.ts'
export { type Client, processKeys, readWhenCaughtUp, withApiKey } from './client.ts'
export { eventually } from './ledger.ts'
export {
  assertCoverage,
  assertTimelineProperties,
  type TimelinePropertyOptions,
  type TimelineRunCounts,
  type TimelineStep,
  timelineDates,
  timelineSteps,
} from './timelineProperties.ts'
export { type MetricSample, metricValue, parseMetrics } from './metrics.ts'
export { rfc7946Violations } from './geojson.ts'
