// A live list of tasks: one page from GET /api/tasks, fetched again (never more than that page) whenever the
// all-tasks event stream reports a task created, changing status or deleted.
import { getJson, element, statusLabel, timeAgo } from './api.js';

const tabs = {
  all: [],
  active: ['PENDING', 'RUNNING', 'NEEDS_HELP', 'NEEDS_REVIEW'],
  completed: ['COMPLETED'],
  failed: ['CANCELLED', 'FAILED'],
};

export function mountTaskList(root) {
  const list = root.querySelector('.task-list');
  const pager = root.querySelector('.pager');
  const announcer = root.querySelector('[data-announce]');
  const limit = Number(root.dataset.limit ?? 10);
  const tab = root.dataset.tab ?? 'all';
  let page = Number(root.dataset.page ?? 1);
  let pending;

  async function refresh() {
    const statuses = tabs[tab] ?? [];
    const query = new URLSearchParams({ page, limit });
    if (statuses.length) query.set('statuses', statuses.join(','));
    const result = await getJson(`/api/tasks?${query}`);
    list.replaceChildren(...result.tasks.map(row));
    if (!result.tasks.length) list.append(element('li', { class: 'hint empty' }, 'No tasks yet.'));
    root.setAttribute('aria-busy', 'false');
    for (const [name, wanted] of Object.entries(tabs)) {
      const count = document.querySelector(`[data-count="${name}"]`);
      if (count) count.textContent = wanted.length ? wanted.reduce((n, s) => n + (result.statusCounts[s] ?? 0), 0)
        : Object.values(result.statusCounts).reduce((n, c) => n + c, 0);
    }
    if (pager) renderPager(result.totalPages);
  }

  function row(task) {
    return element('li', { 'data-task-id': task.id, 'data-status': task.status },
      element('a', { href: `/tasks/${task.id}` },
        element('span', { class: `badge s-${task.status}` }, statusLabel(task.status)),
        element('span', { class: 'desc' }, task.description),
        element('span', { class: 'when' }, timeAgo(task.createdAt))));
  }

  function renderPager(totalPages) {
    const go = (to) => () => { page = to; history.replaceState(null, '', `?tab=${tab}&page=${to}`); refresh(); };
    pager.replaceChildren(
      element('button', { type: 'button', class: 'ghost', disabled: page <= 1, onclick: go(page - 1) }, 'Previous'),
      element('span', {}, `Page ${page} of ${Math.max(1, totalPages)}`),
      element('button', { type: 'button', class: 'ghost', disabled: page >= totalPages, onclick: go(page + 1) }, 'Next'));
  }

  function later(message) {
    if (announcer && message) announcer.textContent = message;
    clearTimeout(pending);
    pending = setTimeout(refresh, 150);
  }

  const events = new EventSource('/api/tasks/events');
  events.addEventListener('open', () => later());
  const describe = (type, data) => ({
    'tasks.task_created': `New task: ${data.data.description}`,
    'tasks.task_completed': 'A task completed.',
    'tasks.task_failed': 'A task failed.',
    'tasks.task_cancelled': 'A task was cancelled.',
    'tasks.task_needs_help': 'A task needs help.',
  })[type];
  for (const type of ['task_created', 'task_started', 'task_taken_over', 'task_resumed', 'task_needs_help', 'task_completed',
    'task_failed', 'task_cancelled', 'task_deleted']) {
    events.addEventListener(`tasks.${type}`, (e) => later(describe(`tasks.${type}`, JSON.parse(e.data))));
  }
  refresh();
}

document.querySelectorAll('[data-task-list]').forEach(mountTaskList);
