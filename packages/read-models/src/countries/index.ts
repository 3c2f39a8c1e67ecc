export { countryFiguresModel, projectCountryFigureEvent } from './projection.ts'
export {
  CountryFigureFilters,
  CountryFigureListQuery,
  CountryProfile,
  countryFiguresHistory,
  countryFiguresVersion,
  getCountryProfile,
  listCountryFigures,
} from './queries.ts'
export { CountryFiguresView, CountryFigureView, evolveCountryFiguresView } from './view.ts'
