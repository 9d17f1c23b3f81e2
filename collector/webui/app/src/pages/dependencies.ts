// Dependencies: the graph of a move group (#/dependencies/group/ID, or the largest group at
// #/dependencies) or of a host's neighbourhood (#/dependencies/HOST), drawn with Cytoscape.js
// (pan and zoom) in layers, from the servers that depend on others to those they depend on.
// Groups are named from their application (or role) and commune, servers by hostname, and a host
// is found by name or id. Shared infrastructure, which the plan keeps out of move groups, sits
// apart in its own box; dependencies the plan cuts between groups are highlighted; a link clicked
// shows its port, process and volume. Labels are drawn on a canvas, so data never becomes markup;
// a list of the same nodes and links is kept for screen readers.
import type cytoscape from 'cytoscape';

import { getJson } from '../api';
import { h, link } from '../dom';
import { loadFleet } from '../fleet';
import { formatBytes, formatNumber, t } from '../i18n';
import { loadPlan, type PlanGroups as Plan } from '../plan';
import type { Edge } from './host';

const kMaxEdges = 2000;
const kSharedBox = '__shared__';

type Role = 'member' | 'neighbour' | 'shared';
interface GraphEdge {
  source: string;
  target: string;
  port: number;
  process: string;
  connections: number;
  bytesPerDay?: number;
  cut: boolean;
}
interface Graph {
  title: string;
  nodes: Map<string, Role>;
  edges: GraphEdge[];
  truncated: boolean;
}
type MoveGroup = Plan['move_groups'][number];

// "etat-civil, Berrechid — 12 serveurs" (the id when the plan gives no name).
const groupLabel = (g: MoveGroup) => `${g.name || g.id} — ${t.serverCount(g.hosts.length)}`;

function edgesOf(hosts: string[]): Promise<Edge[]> {
  const query = hosts.map((id) => `host=${encodeURIComponent(id)}`).join('&');
  return getJson<{ edges: Edge[] }>(`/api/v1/dependencies?resolved=true&${query}`).then((r) => r.edges);
}

// Which group each host is in, what is shared and which dependencies the plan cuts between
// groups (empty without a plan).
function planIndex(plan: Plan | null) {
  const group = new Map<string, number>();
  plan?.hosts.id.forEach((id, i) => { if (plan.hosts.group[i] >= 0) group.set(id, plan.hosts.group[i]); });
  const shared = new Set(plan?.shared_infrastructure ?? []);
  const cut = new Set((plan?.cut_dependencies ?? []).map((c) => `${c.source}\n${c.target}`));
  return { group, shared, cut };
}

async function buildGraph(title: string, members: string[], plan: Plan | null): Promise<Graph> {
  const { group, shared, cut } = planIndex(plan);
  // A host's neighbourhood: the hosts of its move group count as members too.
  const focusGroup = members.length === 1 ? group.get(members[0]) : undefined;
  const memberSet = new Set([...members,
    ...(focusGroup === undefined ? [] : plan?.move_groups[focusGroup]?.hosts ?? [])]);
  const nodes = new Map<string, Role>(members.map((id) => [id, shared.has(id) ? 'shared' : 'member']));
  const all = await edgesOf(members);
  const edges: Graph['edges'] = [];
  for (const e of all.slice(0, kMaxEdges)) {
    const source = e.source as string, target = e.target as string;
    for (const id of [source, target]) {
      if (!nodes.has(id)) nodes.set(id, shared.has(id) ? 'shared' : memberSet.has(id) ? 'member' : 'neighbour');
    }
    edges.push({ source, target, port: e.port, process: e.process, connections: e.connections,
      bytesPerDay: e.bytes_per_day ?? undefined, cut: cut.has(`${source}\n${target}`) });
  }
  return { title, nodes, edges, truncated: all.length > kMaxEdges };
}

const kStyle: cytoscape.StylesheetJson = [
  // Labels wrap within their layer's spacing instead of running into the next node.
  { selector: 'node', style: { label: 'data(label)', 'font-size': 10, 'background-color': '#0b6e4f', color: '#1d2733',
    'text-valign': 'bottom', 'text-margin-y': 3, width: 18, height: 18, 'text-wrap': 'ellipsis', 'text-max-width': '110px',
    'text-background-color': '#ffffff', 'text-background-opacity': 0.8, 'text-background-padding': '1px' } },
  { selector: 'node.neighbour', style: { 'background-color': '#8a9bab' } },
  { selector: 'node.shared', style: { 'background-color': '#d9822b', shape: 'diamond' } },
  { selector: 'node.focus', style: { 'border-width': 3, 'border-color': '#1d2733' } },
  { selector: `#${kSharedBox}`, style: { 'background-color': '#fdf3e7', 'border-color': '#d9822b', 'border-width': 1,
    label: 'data(label)', 'text-valign': 'top', shape: 'round-rectangle', 'text-max-width': '400px' } },
  { selector: 'edge', style: { width: 1.5, 'line-color': '#9aa7b4', 'target-arrow-color': '#9aa7b4',
    'target-arrow-shape': 'triangle', 'curve-style': 'bezier', label: 'data(label)', 'font-size': 8, color: '#4a5868',
    'text-rotation': 'autorotate', 'text-background-color': '#ffffff', 'text-background-opacity': 0.9 } },
  { selector: 'edge:selected', style: { width: 3, 'line-color': '#1d2733', 'target-arrow-color': '#1d2733' } },
  { selector: 'edge.cut', style: { width: 3, 'line-color': '#c23030', 'target-arrow-color': '#c23030', 'line-style': 'dashed' } },
];

// Cytoscape.js adds a <style> element to the page unless one with this id exists; the CSP forbids
// inline styles, so a placeholder takes the id and style.css carries its one rule.
const kCytoscapeStylesheetId = '__________cytoscape_stylesheet';

// Layers from the servers that depend on others down to what they use (a server one layer below
// the deepest of its clients), each layer wrapped in rows of kPerRow so that a wide group stays
// readable; shared infrastructure in rows of its own below, in its box, so that its many links
// do not pull the layers together. Columns are wider than the longest label drawn.
const kPerRow = 12;
const kColumn = 150;
const kRow = 60;
const kLayerGap = 50;

function layers(ids: string[], edges: GraphEdge[]): string[][] {
  const inside = new Set(ids);
  const depth = new Map(ids.map((id) => [id, 0]));
  // Longest path by relaxation; at most one pass per node, so a cycle cannot loop forever.
  for (let pass = 0; pass < ids.length; pass++) {
    let moved = false;
    for (const e of edges) {
      if (!inside.has(e.source) || !inside.has(e.target) || e.source === e.target) continue;
      const wanted = (depth.get(e.source) ?? 0) + 1;
      if (wanted > (depth.get(e.target) ?? 0) && wanted < ids.length) {
        depth.set(e.target, wanted);
        moved = true;
      }
    }
    if (!moved) break;
  }
  const out: string[][] = [];
  for (const id of ids) (out[depth.get(id) ?? 0] ??= []).push(id);
  return out.filter(Boolean);
}

function layOut(cy: cytoscape.Core, graph: Graph): void {
  const ids = [...graph.nodes.keys()];
  const rows = [...layers(ids.filter((id) => graph.nodes.get(id) !== 'shared'), graph.edges),
    ids.filter((id) => graph.nodes.get(id) === 'shared')].filter((layer) => layer.length);
  const positions = new Map<string, { x: number; y: number }>();
  let y = 0;
  for (const layer of rows) {
    const width = Math.min(layer.length, kPerRow);
    layer.forEach((id, i) => positions.set(id, {
      x: ((i % kPerRow) - (width - 1) / 2) * kColumn, y: y + Math.floor(i / kPerRow) * kRow }));
    y += Math.ceil(layer.length / kPerRow) * kRow + kLayerGap;
  }
  cy.nodes().not(`#${kSharedBox}`).positions((node) => positions.get(node.id()) ?? { x: 0, y: 0 });
  cy.fit(undefined, 24);
}

// Cytoscape keeps a render loop on its container: a graph whose page was replaced (the user moved
// on while it was drawn) is destroyed, not left drawing into a detached box.
function destroyWhenDetached(box: HTMLElement, cy: cytoscape.Core): void {
  const watcher = new MutationObserver(() => {
    if (box.isConnected) return;
    watcher.disconnect();
    cy.destroy();
  });
  watcher.observe(document.body, { childList: true, subtree: true });
}

// Cytoscape.js is a chunk of its own, fetched the first time a graph is drawn. Nothing is drawn
// (null) once the page has been left.
async function draw(box: HTMLElement, graph: Graph, focus: string | null, names: Map<string, string>,
  onEdge: (e: GraphEdge) => void): Promise<cytoscape.Core | null> {
  const { default: cytoscape } = await import('cytoscape');
  if (!box.isConnected) return null;
  if (!document.getElementById(kCytoscapeStylesheetId)) {
    document.head.append(h('meta', { id: kCytoscapeStylesheetId, name: 'cytoscape-style', content: 'style.css' }));
  }
  const elements: cytoscape.ElementDefinition[] = [];
  if ([...graph.nodes.values()].includes('shared')) {
    elements.push({ data: { id: kSharedBox, label: t.sharedInfrastructure } });
  }
  for (const [id, role] of graph.nodes) {
    elements.push({ data: { id, label: shortName(names.get(id) || id), parent: role === 'shared' ? kSharedBox : undefined },
      classes: `${role}${id === focus ? ' focus' : ''}` });
  }
  graph.edges.forEach((e, i) => elements.push({ data: { id: `e${i}`, source: e.source, target: e.target, label: `:${e.port}` },
    classes: e.cut ? 'cut' : '' }));
  const cy = cytoscape({ container: box, elements, style: kStyle, minZoom: 0.1, maxZoom: 4, wheelSensitivity: 0.3 });
  destroyWhenDetached(box, cy);
  layOut(cy, graph);
  cy.on('tap', 'node', (event) => {
    const id = event.target.id() as string;
    if (id !== kSharedBox) location.hash = `#/dependencies/${encodeURIComponent(id)}`;
  });
  cy.on('tap', 'edge', (event) => onEdge(graph.edges[Number((event.target.id() as string).slice(1))]));
  return cy;
}

function zoomButtons(cy: () => cytoscape.Core | null): HTMLElement {
  const button = (label: string, name: string, act: (c: cytoscape.Core) => void) => {
    const b = h('button', { type: 'button', 'aria-label': name, title: name, 'data-testid': `zoom-${label}` }, label);
    b.addEventListener('click', () => { const c = cy(); if (c) act(c); });
    return b;
  };
  const centre = (c: cytoscape.Core) => ({ x: c.width() / 2, y: c.height() / 2 });
  return h('div', { class: 'zoom' },
    button('+', t.zoomIn, (c) => c.zoom({ level: c.zoom() * 1.25, renderedPosition: centre(c) })),
    button('−', t.zoomOut, (c) => c.zoom({ level: c.zoom() / 1.25, renderedPosition: centre(c) })),
    button('⤢', t.zoomFit, (c) => c.fit(undefined, 20)));
}

function legend(): HTMLElement {
  const item = (cls: string, text: string) => h('li', {}, h('span', { class: `swatch ${cls}`, 'aria-hidden': 'true' }), text);
  return h('ul', { class: 'legend', 'aria-label': t.graphLegend },
    item('member', t.legendHost), item('neighbour', t.legendNeighbour), item('shared', t.legendShared), item('cut', t.legendCut));
}

// "srv-00011.rabat.gov.ma" -> "srv-00011": the graph has no room for domains (the lists do).
const shortName = (name: string) => (/^[\d.]+$/.test(name) ? name : name.split('.')[0]);

// A link in words: who uses whom, on which port, through which process, how often and how much.
function edgeText(e: GraphEdge, names: Map<string, string>): string {
  const name = (id: string) => names.get(id) || id;
  return [`${name(e.source)} → ${name(e.target)} : ${t.port.toLowerCase()} ${e.port}`, e.process || null,
    t.perDay(`${formatNumber(e.connections)} ${t.connections.toLowerCase()}`),
    e.bytesPerDay ? `${t.volume} ${t.perDay(formatBytes(e.bytesPerDay))}` : null,
    e.cut ? t.legendCut : null].filter(Boolean).join(' · ');
}

// The nodes and links as lists (for screen readers, and what the test compares with the API).
function lists(graph: Graph, names: Map<string, string>): HTMLElement {
  const roles: Record<Role, string> = { member: t.legendHost, neighbour: t.legendNeighbour, shared: t.legendShared };
  return h('details', { class: 'graph-lists' }, h('summary', {}, t.graphNodes(graph.nodes.size, graph.edges.length)),
    h('ul', { 'data-testid': 'graph-nodes' }, ...[...graph.nodes].map(([id, role]) =>
      h('li', { 'data-node': id, 'data-role': role }, link(`/hosts/${encodeURIComponent(id)}`, names.get(id) || id), ` — ${roles[role]}`))),
    h('ul', { 'data-testid': 'graph-edges' }, ...graph.edges.map((e) =>
      h('li', { 'data-source': e.source, 'data-target': e.target, 'data-cut': String(e.cut), 'data-port': e.port },
        edgeText(e, names)))));
}

const bySize = (groups: MoveGroup[]) =>
  [...groups].sort((a, b) => b.hosts.length - a.hosts.length || a.id.localeCompare(b.id));

// The hosts a query names: the one whose id or hostname it is exactly, else those whose hostname
// starts with it (case aside).
function hostsNamed(query: string, names: Map<string, string>): string[] {
  const q = query.toLowerCase();
  const exact = [...names].filter(([id, name]) => id.toLowerCase() === q || name.toLowerCase() === q);
  if (exact.length) return exact.map(([id]) => id);
  return [...names].filter(([, name]) => name.toLowerCase().startsWith(q)).map(([id]) => id);
}

// The group selector shows the group drawn (none for a host's neighbourhood); the host box takes
// a hostname or an id, suggests hostnames as one types and lists the matches when several.
function chooser(plan: Plan | null, current: string | null, names: Map<string, string>): HTMLElement {
  const form = h('form', { class: 'filters' });
  if (plan?.move_groups.length) {
    const select = h('select', { 'data-testid': 'group-select', 'aria-label': t.chooseGroup },
      current ? null : h('option', { value: '', selected: true }, t.groupPlaceholder),
      ...bySize(plan.move_groups).slice(0, 1000).map((g) => h('option', { value: g.id, selected: g.id === current }, groupLabel(g))));
    select.addEventListener('change', () => {
      if (select.value) location.hash = `#/dependencies/group/${encodeURIComponent(select.value)}`;
    });
    form.append(h('label', { class: 'filter' }, h('span', {}, t.chooseGroup), select));
  }
  const suggestions = h('datalist', { id: 'graph-host-names' });
  const input = h('input', { type: 'search', 'data-testid': 'graph-host', 'aria-label': t.chooseHost, list: 'graph-host-names' });
  input.addEventListener('input', () => {
    const q = input.value.trim().toLowerCase();
    const found = q.length < 2 ? [] : [...names.values()].filter((n) => n.toLowerCase().includes(q)).slice(0, 20);
    suggestions.replaceChildren(...found.map((n) => h('option', { value: n })));
  });
  const answer = h('div', { 'data-testid': 'graph-host-answer', role: 'status' });
  form.append(h('label', { class: 'filter' }, h('span', {}, t.chooseHost), input, suggestions),
    h('button', { type: 'submit', 'data-testid': 'graph-host-show' }, t.showHost), answer);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = input.value.trim();
    if (!query) return;
    const found = hostsNamed(query, names);
    if (found.length === 1 || names.size === 0) {
      location.hash = `#/dependencies/${encodeURIComponent(found[0] ?? query)}`;
      return;
    }
    answer.replaceChildren(found.length === 0 ? t.noHostMatch(query) : h('span', {}, t.hostMatches(found.length), ' ',
      ...found.slice(0, 20).flatMap((id, i) => [i ? ', ' : '', link(`/dependencies/${encodeURIComponent(id)}`, names.get(id) || id)])));
  });
  return form;
}

// route: '' (largest group), 'group/ID' or a host id.
export async function dependenciesPage(route: string): Promise<HTMLElement> {
  // The plan says what is a group, shared or cut; a host's neighbourhood is shown without it too.
  const groupId = route.startsWith('group/') ? decodeURIComponent(route.slice(6)) : null;
  const hostId = route && !groupId ? decodeURIComponent(route) : null;
  // Without a plan yet (still computing), a host's neighbourhood still shows, unmarked.
  const plan = await Promise.race([loadPlan(), new Promise<null>((r) => setTimeout(() => r(null), hostId ? 1500 : 4000))]);
  // Hostnames come with the fleet (a large download at 10,000 hosts): the graph does not wait for
  // them, its labels, title and lists take them when they arrive.
  const names = new Map<string, string>();
  let graph: Graph | null = null;
  let focus: string | null = null;
  let shownGroup: string | null = null;
  const hostTitle = (id: string) => t.graphOf(names.get(id) || id);
  if (hostId) {
    focus = hostId;
    graph = await buildGraph(hostTitle(hostId), [hostId], plan);
  } else {
    const groups = bySize(plan?.move_groups ?? []);
    const chosen = groups.find((g) => g.id === groupId) ?? (groupId ? undefined : groups[0]);
    if (chosen) {
      shownGroup = chosen.id;
      graph = await buildGraph(t.groupOf(`${groupLabel(chosen)} [${chosen.id}]`), chosen.hosts, plan);
    }
  }
  const box = h('div', { class: 'graph', 'data-testid': 'graph', role: 'img', 'aria-label': graph?.title ?? t.graphTitle,
    'data-group': shownGroup ?? undefined });
  const details = h('p', { class: 'muted edge-details', 'data-testid': 'edge-details', 'aria-live': 'polite' }, t.edgeHint);
  const showEdge = (e: GraphEdge) => details.replaceChildren(h('strong', {}, `${t.edgeDetails} : `), edgeText(e, names));
  const title = graph ? h('h2', { 'data-testid': 'graph-title' }, graph.title) : null;
  let nodeLists = graph ? lists(graph, names) : null;
  let cy: cytoscape.Core | null = null;
  const nameNodes = (c: cytoscape.Core) => c.nodes().not(`#${kSharedBox}`).forEach((n) => {
    n.data('label', shortName(names.get(n.id()) || n.id()));
  });
  if (graph && graph.edges.length + graph.nodes.size > 0) {
    const g = graph;
    // Cytoscape measures its container, so it starts once the page is in the document.
    requestAnimationFrame(() => void draw(box, g, focus, names, showEdge).then((c) => {
      if (!c) return;
      cy = c;
      box.dataset.ready = 'true';
    }));
  }
  void loadFleet().then((fleet) => {
    for (const x of fleet) if (x.hostname) names.set(x.id, x.hostname);
    if (graph && title && hostId) title.textContent = graph.title = hostTitle(hostId);
    if (graph && nodeLists) {
      const fresh = lists(graph, names);
      nodeLists.replaceWith(fresh);
      nodeLists = fresh;
    }
    if (cy) nameNodes(cy);
    box.dataset.named = 'true';
  }, () => undefined);
  return h('div', { class: 'page' },
    h('h1', {}, t.graphTitle),
    chooser(plan, shownGroup, names),
    title ?? h('p', { class: 'muted' }, plan ? t.graphEmpty : t.planPending),
    graph && graph.edges.length === 0 ? h('p', { class: 'muted' }, t.graphEmpty) : null,
    graph?.truncated ? h('p', { class: 'muted' }, t.graphTooLarge(kMaxEdges)) : null,
    graph ? h('div', { class: 'graph-frame' }, zoomButtons(() => cy), box, legend()) : null,
    graph ? details : null,
    nodeLists);
}
