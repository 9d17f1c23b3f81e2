// Standard Moroccan Amazigh in Tifinagh (zgh, left to right): the navigation only, drafted without a
// native speaker. Every other string falls back to French. The marker below says both, and the
// catalogue check (tests/integration/webui_catalogues.mjs) accepts a missing string only because
// of it: once a native speaker has reviewed and completed the catalogue, remove the marker.
import type { Review } from '.';
import type { Strings } from './fr';

export const review: Review = { status: 'needs-native-review', fallback: 'fr' };

export const zgh: Partial<Strings> = {
  navOverview: 'ⵜⴰⵎⵓⵖⵍⵉ ⵜⴰⵎⴰⵜⴰⵢⵜ',
  navHosts: 'ⵉⵎⴰⴽⵉⵏⵏ',
  navDependencies: 'ⵜⵉⵣⴷⵉⵢⵉⵏ',
  navPlan: 'ⴰⵙⵖⵉⵡⵙ',
  navCosts: 'ⵜⵉⵙⵇⵇⵉⵎⵉⵏ',
  navExports: 'ⵜⵉⵙⵓⴼⵖⴰ',
  navAgents: 'ⵉⵎⵙⵡⵓⵔⵉⵢⵏ',
  navProgress: 'ⴰⵎⵎⵓⵙⵙⵓ',
  navImports: 'ⴰⵙⴽⵛⵎ',
  navSources: 'ⵉⵖⴱⵓⵍⴰ',
  language: 'ⵜⵓⵜⵍⴰⵢⵜ',
  logout: 'ⴼⴼⵖ',
};
