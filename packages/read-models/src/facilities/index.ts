export { Facility, FacilityFeed, FedFacility, facilitiesFedByDeposit, getFacility, listFacilities } from './links.ts'
export { facilityModel, projectFacilityEvent } from './projection.ts'
export {
  allFacilities,
  FacilityFilters,
  FacilityHistoryQuery,
  FacilityListQuery,
  facilityExists,
  facilityHistory,
  facilityVersion,
  getFacilityView,
  listFacilityViews,
} from './queries.ts'
export { evolveFacilityView, FacilityCapacityFact, FacilityStatusChange, FacilityView } from './view.ts'
