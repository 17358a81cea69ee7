// Local time of a unit, in which both unit sources enforce schedules: the one implementation lives
// in src/domain (the views and the insights use it too).
export { toIanaZone, zoneOffsetS, localTime } from '../domain/time-zone';
