// The dependency graph as SVG: plugins in rows by depth (a plugin sits one row below the deepest plugin
// it depends on), an arrow from each plugin to each dependency. Built with DOM calls only, so a
// plugin's name or error text is never parsed as markup.

const SVG = 'http://www.w3.org/2000/svg';
const MIN_NODE_WIDTH = 180;
const NODE_HEIGHT = 34;
const GAP_X = 30;
const GAP_Y = 60;
const MARGIN = 12;

/**
 * Rows of plugin names by depth. A dependency that is not listed (not loaded, or missing) counts as
 * depth 0, and a cycle, which the host refuses to load, cannot recurse forever.
 *
 * @param {Array<{name: string, dependencies: string[]}>} plugins
 * @returns {string[][]}
 */
export function layers(plugins) {
  const byName = new Map(plugins.map(p => [p.name, p]));
  const depth = new Map();
  const visiting = new Set();
  const depthOf = name => {
    if (depth.has(name)) return depth.get(name);
    const plugin = byName.get(name);
    if (!plugin || visiting.has(name)) return 0;
    visiting.add(name);
    const deps = plugin.dependencies.filter(d => byName.has(d));
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(depthOf));
    visiting.delete(name);
    depth.set(name, d);
    return d;
  };
  const rows = [];
  for (const plugin of [...plugins].sort((a, b) => a.name.localeCompare(b.name))) {
    const d = depthOf(plugin.name);
    (rows[d] ??= []).push(plugin.name);
  }
  return rows.map(row => row ?? []);
}

function element(name, attributes = {}) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

/**
 * Draws the graph.
 *
 * @param {Array<{name: string, version: string, state: string, dependencies: string[]}>} plugins
 * @returns {SVGSVGElement}
 */
export function drawGraph(plugins) {
  const rows = layers(plugins);
  const label = plugin => `${plugin.name} ${plugin.version ?? ''}`.trim();
  // Wide enough for the longest label at 13 px (about 7.5 px a character), so no name is clipped.
  const NODE_WIDTH = Math.max(MIN_NODE_WIDTH, ...plugins.map(p => Math.ceil(label(p).length * 7.5) + 24));
  const widest = Math.max(1, ...rows.map(r => r.length));
  const width = 2 * MARGIN + widest * NODE_WIDTH + (widest - 1) * GAP_X;
  const height = 2 * MARGIN + Math.max(1, rows.length) * NODE_HEIGHT + Math.max(0, rows.length - 1) * GAP_Y;
  const svg = element('svg', {width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': 'plugin dependency graph'});
  const defs = element('defs');
  const marker = element('marker', {id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5,
    markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse'});
  marker.append(element('path', {d: 'M 0 0 L 10 5 L 0 10 z', fill: '#667'}));
  defs.append(marker);
  svg.append(defs);

  const position = new Map();
  rows.forEach((row, y) => row.forEach((name, x) => {
    const offset = (width - (row.length * NODE_WIDTH + (row.length - 1) * GAP_X)) / 2;
    position.set(name, {x: offset + x * (NODE_WIDTH + GAP_X), y: MARGIN + y * (NODE_HEIGHT + GAP_Y)});
  }));

  for (const plugin of plugins) {
    const from = position.get(plugin.name);
    for (const dependency of plugin.dependencies) {
      const to = position.get(dependency);
      if (!from || !to) continue;
      const line = element('line', {class: 'edge', x1: from.x + NODE_WIDTH / 2, y1: from.y,
        x2: to.x + NODE_WIDTH / 2, y2: to.y + NODE_HEIGHT});
      line.dataset.from = plugin.name;
      line.dataset.to = dependency;
      svg.append(line);
    }
  }
  for (const plugin of plugins) {
    const at = position.get(plugin.name);
    const group = element('g', {class: `node ${plugin.state}`, transform: `translate(${at.x},${at.y})`});
    group.dataset.plugin = plugin.name;
    group.append(element('rect', {width: NODE_WIDTH, height: NODE_HEIGHT, rx: 4}));
    const text = element('text', {x: NODE_WIDTH / 2, y: NODE_HEIGHT / 2 + 5, 'text-anchor': 'middle',
      'font-size': 13});
    text.textContent = label(plugin);
    const title = element('title');
    title.textContent = plugin.error ? `${plugin.name}: ${plugin.error}` : plugin.name;
    group.append(title, text);
    svg.append(group);
  }
  return svg;
}
