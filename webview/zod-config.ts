// Imported first by main.ts. zod compiles fast parsers with `new Function` when it may, and
// probes for it while the schemas are built; the CSP forbids eval, so the probe would show up as
// a CSP violation. Turn that off before any schema module is evaluated.
// A namespace import: esbuild can then drop zod's locales (85 KB instead of 450 KB minified).
import * as z from 'zod';

z.config({ jitless: true });
