// The operator console: plain ES modules over the admin API (../api), under the same security as the
// API (the browser's BASIC credentials). Viewers see everything with the mutating controls disabled;
// the server refuses those calls anyway. Every text from the server goes in with textContent.
import {drawGraph} from './graph.js';

const API = new URL('../api/', document.baseURI);
// Opened as http://user:password@host/...: fetch refuses a URL with credentials in it, and the
// browser already holds them for the realm.
API.username = '';
API.password = '';
const MAX_EVENTS = 200;
/** A refused stream (503: the server's most clients are connected) is asked for again after this. */
const STREAM_RETRY_MS = 10_000;
/**
 * The least time between two refreshes the event stream asks for: a plugin that fails every 10 ms sends a
 * lifecycle event each time, and each refresh reads the whole host (five requests).
 */
const STREAM_REFRESH_MS = 1_000;
/** How often the nodes are read again: other nodes change, and fall silent, without an event here. */
const CLUSTER_REFRESH_MS = 30_000;
let admin = false;
let plugins = [];
let overridesOf = null;

const $ = id => document.getElementById(id);

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (className) td.className = className;
  return td;
}

function button(label, action, {mutating = true, title} = {}) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  if (title) b.title = title;
  if (mutating) {
    b.classList.add('mutating');
    b.disabled = !admin;
  }
  b.addEventListener('click', action);
  return b;
}

function say(text, ok = true) {
  const message = $('message');
  message.textContent = text;
  message.className = ok ? 'ok' : 'error';
}

/**
 * Calls the admin API; answers the parsed JSON, or throws an Error with the problem's detail, carrying
 * the response's status and the problem's title and detail for a caller that answers some refusals.
 */
async function call(method, path, {json, body, type} = {}) {
  const init = {method, headers: {Accept: 'application/json'}, credentials: 'same-origin'};
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers['Content-Type'] = 'application/json';
  } else if (body !== undefined) {
    init.body = body;
    init.headers['Content-Type'] = type;
  }
  const response = await fetch(new URL(path, API), init);
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const detail = parsed?.detail ?? parsed?.title ?? response.statusText;
    throw Object.assign(new Error(`${response.status}: ${detail}`),
        {status: response.status, title: parsed?.title, detail});
  }
  return parsed;
}

async function act(what, action) {
  try {
    const result = await action();
    say(what + ' done');
    await refresh();
    return result;
  } catch (e) {
    say(`${what} failed: ${e.message}`, false);
    await refresh();
  }
}

function resourcesText(plugin) {
  return Object.entries(plugin.effective ?? {})
      .filter(([, map]) => Object.keys(map).length > 0)
      .map(([kind, map]) => `${kind}: ` + Object.entries(map).map(([l, p]) => l === p ? l : `${l}→${p}`).join(', '))
      .join('; ');
}

function renderPlugins(metrics) {
  const body = $('plugins').tBodies[0];
  body.replaceChildren();
  for (const plugin of plugins) {
    const row = document.createElement('tr');
    row.dataset.plugin = plugin.name;
    const state = cell(plugin.state, 'state-' + plugin.state);
    if (plugin.error) {
      const error = document.createElement('div');
      error.className = 'error';
      error.textContent = plugin.error;
      state.append(error);
    }
    if (plugin.health?.status === 'DOWN') {
      const down = document.createElement('div');
      down.className = 'error health';
      down.textContent = `DOWN: ${plugin.health.reason}`;
      down.title = `its own health check says so since ${new Date(plugin.health.since).toLocaleString()}`;
      state.append(down);
    }
    const m = metrics[plugin.name];
    const calls = m ? Object.entries(m.repositoryCalls).filter(([, n]) => n > 0)
        .map(([kind, n]) => `${kind} ${n}` + (m.repositoryErrors[kind] ? ` (${m.repositoryErrors[kind]})` : ''))
        .join(', ') : '';
    const callbackErrors = m ? Object.entries(m.callbackErrors ?? {}).filter(([, n]) => n > 0)
        .map(([kind, n]) => `${kind} ${n}`).join(', ') : '';
    const implemented = cell(plugin.extensions.map(type => type.substring(type.lastIndexOf('.') + 1)).join(', '));
    implemented.title = plugin.extensions.join('\n');
    const actions = document.createElement('td');
    actions.append(
        button('Reload', () => act(`reload ${plugin.name}`, () => call('POST', `plugins/${enc(plugin.name)}/reload`))),
        button('Unload', () => unload(plugin)),
        button('Overrides', () => openOverrides(plugin.name), {mutating: false}),
        button('Health', () => checkHealth(plugin.name),
            {mutating: false, title: 'ask the plugin now whether it can do its work'}));
    row.append(cell(plugin.name), cell(plugin.version), state, cell(plugin.dependencies.join(', ')),
        cell(plugin.dependents.join(', ')), cell(resourcesText(plugin)), implemented,
        cell(String(plugin.scheduledTasks), 'tasks'),
        cell(m ? `${m.executions} / ${m.executionErrors} / ${m.executionMeanMillis.toFixed(2)}` : '0'),
        cell(m ? `${m.eventsEmitted} / ${m.eventsReceived}` : '0 / 0'), cell(calls),
        cell(callbackErrors, callbackErrors ? 'callback-errors error' : 'callback-errors'), actions);
    body.append(row);
  }
  $('graph').replaceChildren(drawGraph(plugins));
}

const enc = encodeURIComponent;

/** Asks a plugin's own health check now; the answer is also kept by the server, so the table shows it. */
async function checkHealth(name) {
  try {
    const health = await call('GET', `plugins/${enc(name)}/health`);
    const since = new Date(health.since).toLocaleString();
    say(`${name}: ${health.status}${health.reason ? ': ' + health.reason : ''} (since ${since})`,
        health.status === 'UP');
  } catch (e) {
    say(`health of ${name} failed: ${e.message}`, false);
  }
  await refresh();
}

async function unload(plugin) {
  let cascade = false;
  if (plugin.dependents.length > 0) {
    cascade = window.confirm(`Unloading ${plugin.name} also unloads the plugins that depend on it: `
        + `${plugin.dependents.join(', ')}. Unload them all?`);
    if (!cascade) {
      say(`${plugin.name} was not unloaded`);
      return;
    }
  }
  const path = `plugins/${enc(plugin.name)}?cascade=${cascade}`;
  // The server waits up to its drain timeout for calls in progress before it answers.
  say(`unloading ${plugin.name}: waiting for its calls in progress to return`);
  try {
    await call('DELETE', path);
  } catch (e) {
    if (e.status === 409 && e.title === 'Plugin Busy') {
      await offerForcedUnload(plugin, path, e.detail);
    } else {
      say(`unload ${plugin.name} failed: ${e.message}`, false);
      await refresh();
    }
    return;
  }
  say(`unload ${plugin.name} done`);
  await refresh();
}

/** Calls that never return refused the unload: the operator may leave them running and unload the rest. */
async function offerForcedUnload(plugin, path, detail) {
  const force = window.confirm(`${plugin.name} was not unloaded: ${detail}\n\nForce the unload? Its repositories, `
      + 'listeners and tasks go now; the calls run on until they return and keep only its class loader.');
  if (!force) {
    say(`${plugin.name} was not unloaded: calls into it are still in progress`, false);
    await refresh();
    return;
  }
  say(`unloading ${plugin.name} by force: waiting for its calls once more`);
  await act(`unload ${plugin.name} by force`, () => call('DELETE', `${path}&force=true`));
}

function renderJars(jars) {
  const body = $('jars').tBodies[0];
  body.replaceChildren();
  for (const jar of jars) {
    const row = document.createElement('tr');
    row.dataset.jar = jar.file;
    const actions = document.createElement('td');
    if (['UNLOADED', 'FAILED', 'WAITING'].includes(jar.state)) {
      actions.append(button('Load', () => act(`load ${jar.file}`, () => call('POST', 'plugins', {json: {jar: jar.file}}))));
    }
    if (['FAILED', 'WAITING'].includes(jar.state) && jar.plugin) {
      const name = jar.plugin.split('@')[0];
      actions.append(button('Hold', () => act(`hold ${name} unloaded`, () => call('DELETE', `plugins/${enc(name)}`)),
          {title: 'keep it unloaded: not loaded again when its services answer, nor at the next start'}));
    }
    if (jar.state !== 'LOADED') {
      actions.append(button('Delete', () => {
        if (window.confirm(`Delete ${jar.file} from the plugin directory?`)) {
          act(`delete ${jar.file}`, () => call('DELETE', `jars/${enc(jar.file)}`));
        }
      }));
    }
    const file = cell(jar.shared ? `${jar.file} (every node)` : jar.file);
    if (jar.shared) {
      file.title = 'uploaded over REST and kept in the state the nodes share: every node writes and loads it';
    }
    row.append(file, cell(`${Math.round(jar.size / 1024)} KiB`), cell(jar.plugin),
        cell(jar.state, 'state-' + jar.state), cell(jar.problem, 'error'), actions);
    body.append(row);
  }
}

/**
 * The nodes that share this node's operator state, each as it last reported (GET /cluster); where the state
 * is not shared, this node alone. A node behind the shared state, or silent, says so.
 */
function renderCluster(cluster) {
  const body = $('cluster').tBodies[0];
  body.replaceChildren();
  if (cluster.error) {
    $('cluster-note').textContent = 'could not read the nodes: ' + cluster.error;
    return;
  }
  $('cluster-note').textContent = cluster.shared
    ? `Operator state shared by these nodes; its version now: ${cluster.stateVersion}.`
    : 'Operator state not shared (pluginhost.shared-state.datasource): this node alone.';
  for (const node of cluster.nodes) {
    const row = document.createElement('tr');
    row.dataset.node = node.node;
    const behind = cluster.shared && node.stateVersion !== cluster.stateVersion;
    const follows = cluster.shared ? `${node.stateVersion}${behind ? ' (behind)' : ''}` : '—';
    const plugins = (node.plugins ?? []).map(p => `${p.name}@${p.version} ${p.state}${p.error ? ': ' + p.error : ''}`
        + (p.health?.startsWith('DOWN') ? `, ${p.health}` : ''));
    const reported = node.unreadable ? 'unreadable: ' + node.unreadable
      : node.reportedAt + (node.silent ? ' (silent)' : '');
    row.append(cell(node.node + (node.node === cluster.node ? ' (this node)' : '')),
        cell(follows, behind ? 'state-WAITING' : undefined),
        cell(reported, node.silent || node.unreadable ? 'state-FAILED' : undefined),
        cell(plugins.join(', ')));
    body.append(row);
  }
}

async function openOverrides(name) {
  overridesOf = name;
  $('overrides-plugin').textContent = name;
  $('overrides-section').hidden = false;
  try {
    $('overrides-text').value = JSON.stringify(await call('GET', `plugins/${enc(name)}/overrides`), null, 2);
  } catch (none) {
    $('overrides-text').value = '{}';
  }
}

function parseOverrides() {
  try {
    return JSON.parse($('overrides-text').value);
  } catch (e) {
    throw new Error('the overrides are not valid JSON: ' + e.message);
  }
}

let refreshing = null;
let again = false;
let lastRefresh = 0;
let refreshSoon = null;

/** Reloads every view from the API; calls that arrive while one runs fold into one more. */
async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      lastRefresh = Date.now();
      try {
        const [list, metrics, jars, leaks, cluster] = await Promise.all([call('GET', 'plugins'), call('GET', 'metrics'),
          call('GET', 'jars'), call('GET', 'diagnostics/unloaded-not-collected'),
          call('GET', 'cluster').catch(e => ({error: e.message}))]); // the shared database may be down alone
        plugins = list;
        renderPlugins(metrics ?? {});
        renderJars(jars);
        renderCluster(cluster);
        $('leaks').textContent = leaks.plugins?.length ? leaks.plugins.join(', ') : 'none';
      } catch (e) {
        say('could not read the host: ' + e.message, false);
      }
    } while (again);
  })();
  try {
    await refreshing;
  } finally {
    refreshing = null;
  }
}

/** A refresh the event stream asks for: at most one each STREAM_REFRESH_MS, however many events come. */
function refreshForStream() {
  if (refreshSoon) {
    return;
  }
  refreshSoon = setTimeout(() => {
    refreshSoon = null;
    refresh();
  }, Math.max(0, lastRefresh + STREAM_REFRESH_MS - Date.now()));
}

function logEvent(kind, data) {
  const item = document.createElement('li');
  item.dataset.kind = kind;
  const when = new Date().toLocaleTimeString();
  item.textContent = kind === 'lifecycle'
      ? `${when} ${data.kind} ${data.plugin ?? '(unknown)'} ${data.version ?? ''}${data.message ? ': ' + data.message : ''}`
      : `${when} ${data.name} from ${data.source ?? 'host'} ${JSON.stringify(data.data)}`;
  const list = $('events');
  list.prepend(item);
  while (list.children.length > MAX_EVENTS) list.lastElementChild.remove();
}

function listen() {
  const stream = new EventSource(new URL('events', API), {withCredentials: true});
  stream.addEventListener('ready', () => {
    $('stream-state').textContent = 'event stream: live';
    document.body.dataset.stream = 'live';
  });
  stream.addEventListener('lifecycle', e => {
    logEvent('lifecycle', JSON.parse(e.data));
    refreshForStream();
  });
  stream.addEventListener('bus', e => logEvent('bus', JSON.parse(e.data)));
  stream.onerror = () => {
    document.body.dataset.stream = 'down';
    if (stream.readyState === EventSource.CLOSED) {
      // A response other than the stream (503, 401) ends an EventSource for good; it only reconnects
      // by itself after a network error.
      $('stream-state').textContent = 'event stream: refused by the server, asking again shortly';
      setTimeout(listen, STREAM_RETRY_MS);
    } else {
      $('stream-state').textContent = 'event stream: reconnecting';
    }
  };
}

function wire() {
  $('upload-button').addEventListener('click', async () => {
    const file = $('upload-file').files[0];
    if (!file) {
      say('choose a jar first', false);
      return;
    }
    const result = await act(`upload ${file.name}`, () => call('PUT', `jars/${enc(file.name)}`,
        {body: file, type: 'application/java-archive'}));
    if (result?.from) {
      say(`upgraded ${result.plugin} from ${result.from} to ${result.to}; reloaded ` +
          result.reloaded.map(p => p.name).join(', '));
    } else if (result?.name) {
      say(`loaded ${result.name} ${result.version}`);
    }
  });
  $('overrides-save').addEventListener('click', () =>
      act(`overrides of ${overridesOf}`, () => call('PUT', `plugins/${enc(overridesOf)}/overrides`, {json: parseOverrides()})));
  $('overrides-clear').addEventListener('click', () =>
      act(`clearing the overrides of ${overridesOf}`, async () => {
        await call('DELETE', `plugins/${enc(overridesOf)}/overrides`);
        $('overrides-text').value = '{}';
      }));
  $('overrides-close').addEventListener('click', () => {
    $('overrides-section').hidden = true;
  });
  $('leaks-collect').addEventListener('click', () => act('collecting garbage', async () => {
    const result = await call('POST', 'diagnostics/unloaded-not-collected');
    $('leak-verdicts').textContent = JSON.stringify(result, null, 2);
  }));
  $('leaks-verdicts').addEventListener('click', () => act('heap analysis', async () => {
    $('leak-verdicts').textContent = JSON.stringify(await call('POST', 'diagnostics/leak-verdicts'), null, 2);
  }));
}

async function start() {
  const session = await call('GET', 'session');
  admin = session.admin;
  $('session').textContent = `${session.user} (${admin ? 'admin' : 'viewer: read only'})`;
  for (const control of document.querySelectorAll('.mutating')) control.disabled = !admin;
  wire();
  await refresh();
  document.body.dataset.ready = 'true';
  listen();
  setInterval(() => call('GET', 'cluster').catch(e => ({error: e.message})).then(renderCluster), CLUSTER_REFRESH_MS);
}

start().catch(e => say('the console could not start: ' + e.message, false));
