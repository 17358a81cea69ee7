// Charging insights: tariffs, session figures, sums per period, calendar, "full at", CSV.
export * from './tariff';
export * from './sessions';
export * from './aggregate';
export * from './full-at';
export * from './csv';
export * from './prices';
