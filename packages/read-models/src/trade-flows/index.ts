export { ApplicableRestriction, complianceOf, restrictionApplies, ShipmentCompliance } from './compliance.ts'
export { CorridorQuery, CorridorView, listCorridors } from './corridors.ts'
export { projectRestrictionEvent, projectShipmentEvent, projectTradeFlowEvent } from './projection.ts'
export {
  getRestriction,
  listRestrictions,
  RestrictionFilters,
  RestrictionListQuery,
  RestrictionReadQuery,
  restrictionExists,
  restrictionHistory,
} from './restriction-queries.ts'
export {
  evolveRestrictionView,
  inForceOn,
  lapseOfSuspension,
  RestrictionChange,
  RestrictionView,
} from './restriction-view.ts'
export {
  getShipment,
  listShipments,
  ShipmentFilters,
  ShipmentListQuery,
  shipmentExists,
  shipmentHistory,
} from './shipment-queries.ts'
export { evolveShipmentView, ShipmentStatusChange, ShipmentView } from './shipment-view.ts'
