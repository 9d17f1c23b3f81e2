// Dependencies: the graph of a move group (#/dependencies/group/ID, or the largest group at
// #/dependencies) or of a host's neighbourhood (#/dependencies/HOST), drawn with Cytoscape.js
// (pan and zoom). Shared infrastructure, which the plan keeps out of move groups, sits apart in
// its own box; dependencies the plan cuts between groups are highlighted. Labels are drawn on a
// canvas, so data never becomes markup; a list of the same nodes is kept for screen readers.
import type cytoscape from 'cytoscape';

import { getJson } from '../api';
import { h, link } from '../dom';
import { formatNumber, t } from '../i18n';
import { loadPlan, type PlanGroups as Plan } from '../plan';
import type { Edge } from './host';

const kMaxEdges = 2000;
const kSharedBox = '__shared__';

type Role = 'member' | 'neighbour' | 'shared';
interface Graph {
  title: string;
  nodes: Map<string, Role>;
  edges: { source: string; target: string; port: number; cut: boolean }[];
  truncated: boolean;
}

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
    edges.push({ source, target, port: e.port, cut: cut.has(`${source}\n${target}`) });
  }
  return { title, nodes, edges, truncated: all.length > kMaxEdges };
}

const kStyle: cytoscape.StylesheetJson = [
  { selector: 'node', style: { label: 'data(label)', 'font-size': 10, 'background-color': '#0b6e4f', color: '#1d2733',
    'text-valign': 'bottom', 'text-margin-y': 3, width: 18, height: 18 } },
  { selector: 'node.neighbour', style: { 'background-color': '#8a9bab' } },
  { selector: 'node.shared', style: { 'background-color': '#d9822b', shape: 'diamond' } },
  { selector: 'node.focus', style: { 'border-width': 3, 'border-color': '#1d2733' } },
  { selector: `#${kSharedBox}`, style: { 'background-color': '#fdf3e7', 'border-color': '#d9822b', 'border-width': 1,
    label: 'data(label)', 'text-valign': 'top', shape: 'round-rectangle' } },
  { selector: 'edge', style: { width: 1.5, 'line-color': '#9aa7b4', 'target-arrow-color': '#9aa7b4',
    'target-arrow-shape': 'triangle', 'curve-style': 'bezier' } },
  { selector: 'edge.cut', style: { width: 3, 'line-color': '#c23030', 'target-arrow-color': '#c23030', 'line-style': 'dashed' } },
];

// Cytoscape.js adds a <style> element to the page unless one with this id exists; the CSP forbids
// inline styles, so a placeholder takes the id and style.css carries its one rule.
const kCytoscapeStylesheetId = '__________cytoscape_stylesheet';

// Cytoscape.js is a chunk of its own, fetched the first time a graph is drawn.
async function draw(box: HTMLElement, graph: Graph, focus: string | null): Promise<cytoscape.Core> {
  const { default: cytoscape } = await import('cytoscape');
  if (!document.getElementById(kCytoscapeStylesheetId)) {
    document.head.append(h('meta', { id: kCytoscapeStylesheetId, name: 'cytoscape-style', content: 'style.css' }));
  }
  const elements: cytoscape.ElementDefinition[] = [];
  if ([...graph.nodes.values()].includes('shared')) {
    elements.push({ data: { id: kSharedBox, label: t.sharedInfrastructure } });
  }
  for (const [id, role] of graph.nodes) {
    elements.push({ data: { id, label: id, parent: role === 'shared' ? kSharedBox : undefined },
      classes: `${role}${id === focus ? ' focus' : ''}` });
  }
  graph.edges.forEach((e, i) => elements.push({ data: { id: `e${i}`, source: e.source, target: e.target },
    classes: e.cut ? 'cut' : '' }));
  const cy = cytoscape({ container: box, elements, style: kStyle, minZoom: 0.1, maxZoom: 4, wheelSensitivity: 0.3,
    layout: { name: 'cose', animate: false, nodeDimensionsIncludeLabels: true, randomize: false } as cytoscape.LayoutOptions });
  cy.on('tap', 'node', (event) => {
    const id = event.target.id() as string;
    if (id !== kSharedBox) location.hash = `#/dependencies/${encodeURIComponent(id)}`;
  });
  return cy;
}

function zoomButtons(cy: () => cytoscape.Core | null): HTMLElement {
  const button = (label: string, name: string, act: (c: cytoscape.Core) => void) => {
    const b = h('button', { type: 'button', 'aria-label': name, title: name }, label);
    b.addEventListener('click', () => { const c = cy(); if (c) act(c); });
    return b;
  };
  const centre = (c: cytoscape.Core) => ({ x: c.width() / 2, y: c.height() / 2 });
  return h('div', { class: 'zoom' },
    button('+', 'zoom +', (c) => c.zoom({ level: c.zoom() * 1.25, renderedPosition: centre(c) })),
    button('−', 'zoom −', (c) => c.zoom({ level: c.zoom() / 1.25, renderedPosition: centre(c) })),
    button('⤢', 'fit', (c) => c.fit(undefined, 20)));
}

function legend(): HTMLElement {
  const item = (cls: string, text: string) => h('li', {}, h('span', { class: `swatch ${cls}`, 'aria-hidden': 'true' }), text);
  return h('ul', { class: 'legend', 'aria-label': t.graphLegend },
    item('member', t.legendHost), item('neighbour', t.legendNeighbour), item('shared', t.legendShared), item('cut', t.legendCut));
}

// The nodes and links as lists (for screen readers, and what the test compares with the API).
function lists(graph: Graph): HTMLElement {
  const roles: Record<Role, string> = { member: t.legendHost, neighbour: t.legendNeighbour, shared: t.legendShared };
  return h('details', { class: 'graph-lists' }, h('summary', {}, t.graphNodes(graph.nodes.size, graph.edges.length)),
    h('ul', { 'data-testid': 'graph-nodes' }, ...[...graph.nodes].map(([id, role]) =>
      h('li', { 'data-node': id, 'data-role': role }, link(`/hosts/${encodeURIComponent(id)}`, id), ` — ${roles[role]}`))),
    h('ul', { 'data-testid': 'graph-edges' }, ...graph.edges.map((e) =>
      h('li', { 'data-source': e.source, 'data-target': e.target, 'data-cut': String(e.cut) },
        `${e.source} → ${e.target}:${e.port}${e.cut ? ` (${t.legendCut})` : ''}`))));
}

function chooser(plan: Plan | null, current: string | null): HTMLElement {
  const form = h('form', { class: 'filters' });
  if (plan?.move_groups.length) {
    const groups = [...plan.move_groups].sort((a, b) => b.hosts.length - a.hosts.length || a.id.localeCompare(b.id));
    const select = h('select', { 'data-testid': 'group-select', 'aria-label': t.chooseGroup },
      ...groups.slice(0, 1000).map((g) => h('option', { value: g.id, selected: g.id === current },
        `${g.id} (${formatNumber(g.hosts.length)})`)));
    select.addEventListener('change', () => (location.hash = `#/dependencies/group/${encodeURIComponent(select.value)}`));
    form.append(h('label', { class: 'filter' }, h('span', {}, t.chooseGroup), select));
  }
  const input = h('input', { type: 'search', 'data-testid': 'graph-host', 'aria-label': t.chooseHost });
  form.append(h('label', { class: 'filter' }, h('span', {}, t.chooseHost), input),
    h('button', { type: 'submit' }, t.showHost));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim()) location.hash = `#/dependencies/${encodeURIComponent(input.value.trim())}`;
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
  let graph: Graph | null = null;
  let focus: string | null = null;
  if (hostId) {
    focus = hostId;
    graph = await buildGraph(t.graphOf(hostId), [hostId], plan);
  } else {
    const groups = [...(plan?.move_groups ?? [])].sort((a, b) => b.hosts.length - a.hosts.length || a.id.localeCompare(b.id));
    const chosen = groups.find((g) => g.id === groupId) ?? (groupId ? undefined : groups[0]);
    if (chosen) graph = await buildGraph(t.groupOf(chosen.id), chosen.hosts, plan);
  }
  const box = h('div', { class: 'graph', 'data-testid': 'graph', role: 'img', 'aria-label': graph?.title ?? t.graphTitle });
  let cy: cytoscape.Core | null = null;
  if (graph && graph.edges.length + graph.nodes.size > 0) {
    const g = graph;
    // Cytoscape measures its container, so it starts once the page is in the document.
    requestAnimationFrame(() => void draw(box, g, focus).then((c) => { cy = c; box.dataset.ready = 'true'; }));
  }
  return h('div', { class: 'page' },
    h('h1', {}, t.graphTitle),
    chooser(plan, groupId),
    graph ? h('h2', { 'data-testid': 'graph-title' }, graph.title) : h('p', { class: 'muted' }, plan ? t.graphEmpty : t.planPending),
    graph && graph.edges.length === 0 ? h('p', { class: 'muted' }, t.graphEmpty) : null,
    graph?.truncated ? h('p', { class: 'muted' }, t.graphTooLarge(kMaxEdges)) : null,
    graph ? h('div', { class: 'graph-frame' }, zoomButtons(() => cy), box, legend()) : null,
    graph ? lists(graph) : null);
}
