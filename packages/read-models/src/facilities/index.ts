export { Facility, FacilityFeed, FedFacility, facilitiesFedByDeposit, getFacility, listFacilities } from './links.ts'
export { facilityModel, projectFacilityEvent } from './projection.ts'
export {
  allFacilities,
  FacilityFilters,
  FacilityListQuery,
  facilityExists,
  facilityHistory,
  getFacilityView,
  listFacilityViews,
} from './queries.ts'
export { evolveFacilityView, FacilityCapacityFact, FacilityStatusChange, FacilityView } from './view.ts'
