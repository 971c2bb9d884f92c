// One task's page, built from GET /api/tasks/{id}/events: the stream replays the history once, then sends each new
// event as it commits; every event appends or updates one thing, so nothing re-downloads the history. EventSource
// reconnects with Last-Event-ID and gets only what it missed.
import { send, element, statusLabel } from './api.js';
import { connect, disconnect } from './liveview.js';

const page = document.querySelector('[data-task-page]');
const taskId = page.dataset.taskId;
const $ = (selector) => page.querySelector(selector);
const messages = $('[data-messages]');
const timeline = $('[data-timeline]');
const replay = $('[data-replay-pane]');
const livePane = $('[data-live-pane]');
const liveView = livePane.querySelector('[data-live-desktop]');
const announcer = $('[data-announce]');
const finished = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);
const state = { status: 'PENDING', control: 'ASSISTANT', steps: new Map(), tools: new Map(), selected: null, loaded: false, live: null };
const totals = { input: 0, output: 0, cost: 0 };

// The file pane (filepane.js) lists what the task was given and wrote; an action or a status change may change that.
const filesChanged = () => document.querySelector('[data-file-pane]')?.dispatchEvent(new Event('files-changed'));
const blobUrl = (source) => `/api/tasks/${taskId}/blobs/${source.sha256}`;
const masked = (input) => input && typeof input === 'object' && input.isSensitive === true;
const announce = (text) => { if (state.loaded) announcer.textContent = text; };

function describeInput(name, input) {
  if (!input || typeof input !== 'object') return '';
  const shown = { ...input };
  delete shown.isSensitive;
  if (masked(input)) for (const key of ['text', 'value']) if (key in shown) shown[key] = '••••';
  if (name === 'computer_screenshot' || name === 'screenshot') return '';
  return Object.entries(shown).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ');
}

function thumbnail(source, alt) {
  return element('img', { src: blobUrl(source), alt, loading: 'lazy', class: 'thumb' });
}

function renderBlock(block) {
  switch (block.type) {
    case 'text': return element('p', {}, block.text);
    case 'image': return thumbnail(block.source, 'Screenshot');
    case 'document': return element('p', {}, element('a', { href: blobUrl(block.source), download: block.name ?? 'document' }, `📄 ${block.name ?? 'document'}`));
    case 'tool_use': {
      state.tools.set(block.id, block);
      return element('div', { class: 'tool' }, `▶ ${block.name}`, block.input ? ` (${describeInput(block.name, block.input)})` : '');
    }
    case 'tool_result': {
      const name = state.tools.get(block.tool_use_id)?.name ?? 'tool';
      const parts = (block.content ?? []).map((inner) => inner.type === 'text' ? inner.text : null).filter(Boolean).join(' ');
      return element('div', { class: `tool${block.is_error ? ' error' : ''}` }, `◀ ${name}${block.is_error ? ' failed' : ''}${parts ? `: ${parts}` : ''}`,
        ...(block.content ?? []).filter((inner) => inner.type === 'image').map((inner) => thumbnail(inner.source, `Screen after ${name}`)));
    }
    case 'user_action': return element('div', {}, ...(block.content ?? []).map(renderBlock));
    case 'thinking': return element('details', {}, element('summary', {}, 'Thinking'), element('p', {}, block.thinking));
    case 'redacted_thinking': return element('p', { class: 'hint' }, 'Thinking (redacted)');
    default: return element('p', { class: 'hint' }, `[${block.type}]`);
  }
}

function addMessage(data) {
  const blocks = data.content ?? [];
  const takeover = data.role === 'USER' && blocks.length > 0 && blocks.every((b) => b.type === 'user_action');
  const toolResults = data.role === 'USER' && blocks.length > 0 && blocks.every((b) => b.type === 'tool_result');
  const role = takeover || toolResults ? 'ASSISTANT' : data.role;
  const who = takeover ? 'You took control' : role === 'USER' ? 'You' : 'Bytebot';
  const time = new Date(data.at).toLocaleTimeString();
  const node = element('article', { class: `message ${role}${takeover ? ' takeover' : ''}`, 'data-message-id': data.messageId },
    element('header', {}, `${who} · ${time}`), ...blocks.map(renderBlock));
  const atBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 40;
  messages.append(node);
  if (atBottom || !state.loaded) messages.scrollTop = messages.scrollHeight;
  if (role === 'ASSISTANT') announce('Bytebot replied.');
}

function stepRow(data) {
  const button = element('button', { type: 'button', 'aria-pressed': 'false', onclick: () => select(data.stepId) },
    element('span', { class: 'number' }, `#${data.number}`),
    element('span', { class: 'thumb-slot' }),
    element('span', { class: 'action' }, 'thinking…'),
    element('span', { class: 'meta' }, 'running'));
  const row = element('li', { 'data-step-id': data.stepId }, button);
  const step = { ...data, row, button, screenshot: null, inputTokens: 0, outputTokens: 0, cost: null, action: null };
  state.steps.set(data.stepId, step);
  timeline.append(row);
  if (!state.loaded || timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 80) timeline.scrollTop = timeline.scrollHeight;
  return step;
}

function updateMeta(step) {
  const parts = [];
  if (step.durationMs !== undefined) parts.push(step.durationMs >= 1000 ? `${(step.durationMs / 1000).toFixed(1)} s` : `${Math.round(step.durationMs)} ms`);
  if (step.inputTokens || step.outputTokens) parts.push(`${step.inputTokens + step.outputTokens} tok`);
  if (step.cost !== null) parts.push(`$${step.cost.toFixed(4)}`);
  step.button.querySelector('.meta').textContent = parts.join(' · ') || (step.ended ? '' : 'running');
}

function select(stepId) {
  const step = state.steps.get(stepId);
  if (!step) return;
  if (state.selected) state.selected.button.setAttribute('aria-pressed', 'false');
  state.selected = step;
  step.button.setAttribute('aria-pressed', 'true');
  showScreenshot(step);
}

function showScreenshot(step) {
  const shot = step?.screenshot ?? [...state.steps.values()].reverse().find((s) => s.screenshot)?.screenshot;
  replay.replaceChildren(shot
    ? element('img', { src: blobUrl(shot), alt: `The screen after step ${step?.number ?? ''}`.trim() })
    : element('span', {}, 'No screenshot for this step.'));
}

function updateTotals() {
  const cost = totals.cost ? ` · $${totals.cost.toFixed(4)}` : '';
  $('[data-totals]').textContent = `${state.steps.size} steps · ${totals.input + totals.output} tokens${cost}`;
}

function setStatus(status, control = state.control) {
  state.status = status;
  state.control = control;
  const badge = $('[data-status]');
  badge.className = `badge s-${status}`;
  badge.textContent = control === 'USER' && !finished.has(status) ? 'You have control' : statusLabel(status);
  const active = status === 'RUNNING' || status === 'NEEDS_HELP';
  $('[data-action="takeover"]').hidden = !(status === 'RUNNING' && control === 'ASSISTANT');
  $('[data-action="resume"]').hidden = !(active && control === 'USER');
  $('[data-action="cancel"]').hidden = finished.has(status);
  $('[data-followup]').hidden = finished.has(status);
  if (state.loaded) syncScreen();
  filesChanged();
  announce(`Task is ${badge.textContent.toLowerCase()}.`);
}

// The live view while the task is active (interactive only while the user has control), else the replay.
function syncScreen() {
  const wantLive = !finished.has(state.status) && state.status !== 'PENDING';
  const viewOnly = state.control !== 'USER';
  if (wantLive && state.live !== viewOnly) {
    connect(liveView, viewOnly);
    state.live = viewOnly;
  } else if (!wantLive && state.live !== null) {
    disconnect(liveView);
    state.live = null;
  }
  livePane.hidden = !wantLive;
  replay.hidden = wantLive;
  $('[data-screen-state]').textContent = wantLive
    ? (viewOnly ? 'Live · the agent has control' : 'Live · you have control')
    : finished.has(state.status) ? 'Replay: the screen after the chosen step' : 'Waiting to start';
  if (!wantLive) showScreenshot(state.selected);
}

const handlers = {
  task_created: (d) => {
    $('[data-description]').textContent = d.description;
    document.title = `${d.description.slice(0, 60)} · Bytebot`;
    setStatus('PENDING');
  },
  message_added: addMessage,
  task_started: () => setStatus('RUNNING'),
  step_started: (d) => { stepRow(d); updateTotals(); },
  action_started: (d) => {
    const step = state.steps.get(d.stepId);
    if (!step) return;
    step.action = d.name;
    const args = describeInput(d.name, d.input);
    step.button.querySelector('.action').textContent = args ? `${d.name} (${args})` : d.name;
  },
  action_completed: (d) => {
    filesChanged();
    const step = state.steps.get(d.stepId);
    if (!step) return;
    if (!d.succeeded) step.button.querySelector('.action').append(` — failed: ${d.error ?? ''}`);
    if (d.screenshot) {
      step.screenshot = d.screenshot;
      step.button.querySelector('.thumb-slot').replaceChildren(thumbnail(d.screenshot, `Step ${step.number} screen`));
    }
  },
  usage_recorded: (d) => {
    const step = state.steps.get(d.stepId);
    totals.input += d.inputTokens; totals.output += d.outputTokens; totals.cost += d.cost ?? 0;
    if (step) {
      step.inputTokens += d.inputTokens; step.outputTokens += d.outputTokens;
      if (d.cost !== null && d.cost !== undefined) step.cost = (step.cost ?? 0) + d.cost;
      updateMeta(step);
    }
    updateTotals();
  },
  step_completed: (d) => endStep(d, false),
  step_interrupted: (d) => endStep(d, true),
  task_taken_over: () => setStatus(state.status, 'USER'),
  task_resumed: () => setStatus('RUNNING', 'ASSISTANT'),
  task_needs_help: (d) => { setStatus('NEEDS_HELP', 'USER'); messages.append(element('p', { class: 'working' }, `Bytebot needs help: ${d.reason}`)); },
  task_completed: () => setStatus('COMPLETED'),
  task_failed: (d) => { setStatus('FAILED'); $('[data-error]').textContent = d.error; },
  task_cancelled: () => setStatus('CANCELLED'),
  task_deleted: () => { $('[data-error]').textContent = 'This task was deleted.'; setStatus('CANCELLED'); },
};

function endStep(d, interrupted) {
  const step = state.steps.get(d.stepId);
  if (!step) return;
  step.ended = true;
  step.durationMs = new Date(d.at) - new Date(step.at);
  if (!step.action) step.button.querySelector('.action').textContent = interrupted ? `interrupted: ${d.reason}` : 'no action';
  if (interrupted) step.row.classList.add('interrupted');
  updateMeta(step);
}

let quiet;
const events = new EventSource(`/api/tasks/${taskId}/events`);
for (const [type, handle] of Object.entries(handlers)) {
  events.addEventListener(`tasks.${type}`, (e) => {
    handle(JSON.parse(e.data).data);
    if (!state.loaded) {
      clearTimeout(quiet);
      quiet = setTimeout(loaded, 250);
    }
  });
}
events.addEventListener('open', () => { if (!state.loaded) { clearTimeout(quiet); quiet = setTimeout(loaded, 1000); } });

// The history arrives as one burst; once it pauses the page is ready and later events are announced.
function loaded() {
  state.loaded = true;
  page.setAttribute('aria-busy', 'false');
  page.dataset.loaded = 'true';
  updateTotals();
  syncScreen();
}

async function control(action) {
  $('[data-error]').textContent = '';
  try {
    await send('POST', `/api/tasks/${taskId}/${action}`);
  } catch (failure) {
    $('[data-error]').textContent = failure.message;
  }
}
for (const button of page.querySelectorAll('[data-action]')) {
  button.addEventListener('click', () => {
    if (button.dataset.action === 'cancel' && !confirm('Cancel this task?')) return;
    control(button.dataset.action);
  });
}

const followup = $('[data-followup]');
const followupText = followup.querySelector('textarea');
followupText.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); followup.requestSubmit(); }
});
followup.addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await send('POST', `/api/tasks/${taskId}/messages`, { message: followupText.value });
    followupText.value = '';
  } catch (failure) {
    $('[data-error]').textContent = failure.message;
  }
});
