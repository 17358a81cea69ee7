// Local time of a unit: the one implementation lives in src/domain (the insights use it too).
export { toIanaZone, zoneOffsetS, localTime } from '../domain/time-zone';
