// The hosts the plan retires in place (#/retirements): servers outside any wave, switched off where
// they are. Their states, dates and last change (who, when, note) from one GET /api/v1/retirements;
// planners and admins pick a host and schedule its switch-off, mark it switched off or blocked,
// with a note, each change checked against the version last read (a wave's page, on the retire
// track: pages/wave.ts).
import { type Retirements, kRetireStates, loadRetirements } from '../execution';
import { t } from '../i18n';
import { trackingPage } from './wave';

export function retirementsPage(): Promise<HTMLElement> {
  return trackingPage<Retirements>({
    prefix: 'retirements', title: t.retirementsTitle, intro: t.retirementsIntro, states: kRetireStates, initialState: 'retired',
    scopes: () => [], hostsTitle: t.retirementsHosts, validation: false, load: loadRetirements,
  });
}
