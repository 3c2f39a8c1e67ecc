export { countryFiguresModel, projectCountryFigureEvent } from './projection.ts'
export {
  CountryFigureFilters,
  CountryFigureListQuery,
  CountryHistoryQuery,
  CountryProfile,
  countryFiguresHistory,
  countryFiguresVersion,
  getCountryProfile,
  listCountryFigures,
} from './queries.ts'
export { CountryFigureView, CountryFiguresView, evolveCountryFiguresView } from './view.ts'
