// The migration states of the API's refusals ("cut_over"; "scheduled, blocked" or "none" for the
// states a host may go to) in a catalogue's words: each catalogue gives its names, its word for
// none and its list separator.
type Param = string | number | undefined;

export function stateWords(names: Record<string, string>, none: string, separator: string) {
  const one = (state: Param) => names[String(state)] ?? String(state);
  const list = (states: Param) => (String(states) === 'none' ? none : String(states).split(', ').map(one).join(separator));
  return { one, list };
}
