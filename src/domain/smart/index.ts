// Smart charging on JuiceNet Local: the pure rules the server enforces and the extension explains.
export * from './circuit';
export * from './ready-by';
export * from './solar';
export * from './reason';
