export { buildGatewayApp, type GatewayDeps } from './app.ts'
export { type CommandClient, httpCommandClient, inProcessCommandClient } from './commandClient.ts'
