// The file pane (FilePane.razor): a workspace folder from GET /api/files, or one task's inputs and outputs from
// GET /api/tasks/{id}/files. Files dropped on the pane or chosen with its button are uploaded; a folder view also
// creates folders, renames and deletes (an inline confirmation, never window.confirm). A page tells a pane that files
// may have changed by dispatching `files-changed` on it (the task page does so as actions complete).
import { send, getJson, element } from './api.js';

const query = (path) => `path=${encodeURIComponent(path)}`;
const join = (folder, name) => (folder ? `${folder}/${name}` : name);
const downloadUrl = (path) => `/api/files/download?${query(path)}`;

function size(bytes) {
  if (bytes === null || bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024, unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

const when = (iso) => {
  const date = new Date(iso);
  return element('time', { datetime: iso, title: date.toLocaleString() }, date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }));
};

function setup(pane) {
  const $ = (selector) => pane.querySelector(selector);
  const list = $('[data-file-list]');
  const errorBox = $('[data-file-error]');
  const statusBox = $('[data-file-status]');
  const input = $('[data-file-input]');
  const taskId = pane.dataset.taskId;
  const limits = { files: Number(pane.dataset.maxFiles), bytes: Number(pane.dataset.maxBytes) };
  const state = { path: pane.dataset.path ?? '' };

  const say = (text) => { statusBox.textContent = text; errorBox.replaceChildren(); };
  const fail = (message, ...extra) => errorBox.replaceChildren(message, ...extra);

  async function refresh() {
    list.setAttribute('aria-busy', 'true');
    try {
      if (taskId) renderTask(await getJson(`/api/tasks/${taskId}/files`));
      else renderFolder(await getJson(`/api/files?${query(state.path)}`));
    } catch (failure) {
      if (!taskId && failure.status === 404) renderFolder({ path: state.path, entries: null });
      else fail(failure.message);
    } finally {
      list.setAttribute('aria-busy', 'false');
      pane.dataset.loaded = 'true';
    }
  }

  let pending;
  const refreshSoon = () => { clearTimeout(pending); pending = setTimeout(refresh, 400); };

  function open(path) {
    state.path = path;
    say('');
    refresh().then(() => say(`Showing ${path || 'the workspace'}.`));
  }

  function renderCrumbs(path) {
    const parts = path ? path.split('/') : [];
    const crumbs = [['Workspace', ''], ...parts.map((name, i) => [name, parts.slice(0, i + 1).join('/')])];
    $('[data-crumbs]').replaceChildren(element('ol', {}, crumbs.map(([name, target], i) => element('li', {},
      i === crumbs.length - 1
        ? element('span', { 'aria-current': 'location' }, name)
        : element('button', { type: 'button', class: 'link', onclick: () => open(target) }, name)))));
  }

  function renderFolder(listing) {
    renderCrumbs(listing.path);
    const entries = listing.entries;
    $('[data-summary]').textContent = entries ? `${entries.length} item${entries.length === 1 ? '' : 's'}` : '';
    if (!entries) {
      list.replaceChildren(element('p', { class: 'hint' }, `There is no folder ${listing.path} yet; uploading here creates it.`));
      return;
    }
    const rows = entries.map((entry) => folderRow(entry));
    list.replaceChildren(element('table', { class: 'files' },
      element('caption', { class: 'visually-hidden' }, `Contents of ${listing.path || 'the workspace'}`),
      element('thead', {}, element('tr', {}, element('th', { scope: 'col' }, 'Name, size and modified'),
        element('th', { scope: 'col' }, element('span', { class: 'visually-hidden' }, 'Actions')))),
      element('tbody', {}, rows.length ? rows
        : element('tr', {}, element('td', { colspan: '2', class: 'hint' }, 'This folder is empty. Drop files here to upload them.')))));
  }

  function folderRow(entry) {
    const isDir = entry.type === 'dir';
    const name = isDir
      ? element('button', { type: 'button', class: 'link', onclick: () => open(entry.path) }, entry.name, element('span', { 'aria-hidden': 'true' }, '/'))
      : element('span', {}, entry.name, entry.type === 'file' ? '' : element('span', { class: 'hint' }, ` (${entry.type})`));
    const nameSlot = element('div', {}, name);
    const meta = element('div', { class: 'meta' },
      isDir ? 'Folder' : element('span', { title: entry.size === null ? null : `${entry.size} bytes` }, size(entry.size)), ' · ', when(entry.modified));
    const actions = element('div', { class: 'row-actions' });
    const row = element('tr', { 'data-entry': entry.path },
      element('th', { scope: 'row', class: 'name' }, nameSlot, meta), element('td', { class: 'actions' }, actions));
    const showActions = () => actions.replaceChildren(
      entry.type === 'file' ? element('a', { href: downloadUrl(entry.path), download: entry.name, 'aria-label': `Download ${entry.name}` }, 'Download') : '',
      element('button', { type: 'button', class: 'ghost small', 'aria-label': `Rename ${entry.name}`, onclick: () => rename(entry, nameSlot, name) }, 'Rename'),
      element('button', { type: 'button', class: 'danger small', 'aria-label': `Delete ${entry.name}`, onclick: confirmDelete }, 'Delete'));
    function confirmDelete() {
      const no = element('button', { type: 'button', class: 'ghost small', onclick: () => { showActions(); actions.querySelector('.danger').focus(); } }, 'No');
      const group = element('div', { role: 'group', class: 'confirm', 'aria-label': `Delete ${entry.name}?`,
        onkeydown: (e) => { if (e.key === 'Escape') no.click(); } },
      element('span', { 'aria-hidden': 'true' }, 'Delete?'),
      element('button', { type: 'button', class: 'danger small', onclick: () => remove(entry) }, 'Yes, delete'), no);
      actions.replaceChildren(group);
      no.focus();
    }
    showActions();
    return row;
  }

  async function remove(entry) {
    try {
      await send('DELETE', `/api/files?${query(entry.path)}`);
      await refresh();
      say(`Deleted ${entry.name}.`);
      list.focus();
    } catch (failure) {
      fail(failure.message);
      await refresh();
    }
  }

  function rename(entry, cell, shown) {
    const field = element('input', { value: entry.name, 'aria-label': `New name for ${entry.name}`, required: true, autocomplete: 'off' });
    const cancel = () => cell.replaceChildren(shown);
    const form = element('form', { class: 'rename',
      onsubmit: async (e) => {
        e.preventDefault();
        if (field.value === entry.name) return cancel();
        try {
          await send('POST', `/api/files/move?${query(entry.path)}&to=${encodeURIComponent(join(state.path, field.value))}`);
          await refresh();
          say(`Renamed ${entry.name} to ${field.value}.`);
        } catch (failure) {
          fail(failure.message);
        }
      },
      onkeydown: (e) => { if (e.key === 'Escape') cancel(); } },
    field, element('button', { type: 'submit', class: 'small' }, 'Save'), element('button', { type: 'button', class: 'ghost small', onclick: cancel }, 'Cancel'));
    cell.replaceChildren(form);
    field.select();
  }

  function renderTask(files) {
    const groups = [['input', 'Inputs', 'Files uploaded with the task.', 'No files were uploaded with this task.'],
      ['output', 'Outputs', 'Files the agent wrote while the task ran.', 'The agent has not written any files.']];
    const count = (kind) => files.files.filter((f) => f.kind === kind).length;
    $('[data-summary]').textContent = `${count('input')} in · ${count('output')} out`;
    list.replaceChildren(...groups.map(([kind, title, hint, none]) => {
      const mine = files.files.filter((f) => f.kind === kind);
      const headingId = `${pane.getAttribute('aria-labelledby')}-${kind}`;
      return element('section', { class: 'file-group', 'data-group': kind, 'aria-labelledby': headingId },
        element('h3', { id: headingId, title: hint }, title, element('span', { class: 'count' }, String(mine.length))),
        mine.length === 0 ? element('p', { class: 'hint' }, none) : element('ul', { class: 'task-files' }, mine.map((f) =>
          element('li', { 'data-entry': f.path },
            element('a', { href: f.url, download: f.name }, f.name),
            element('span', { class: 'hint where' }, f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) : 'workspace'),
            element('span', { class: 'size', title: `${f.size} bytes` }, size(f.size)),
            element('span', { class: 'hint' }, when(f.modified))))));
    }));
  }

  async function ensureFolder(path) {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      try {
        await send('POST', `/api/files/directory?${query(parts.slice(0, i).join('/'))}`);
      } catch (failure) {
        if (failure.status !== 409) throw failure;
      }
    }
  }

  async function upload(files, overwrite = false) {
    files = [...files];
    if (files.length === 0) return;
    if (files.length > limits.files) return fail(`files: At most ${limits.files} files at once.`);
    const big = files.find((f) => f.size > limits.bytes);
    if (big) return fail(`${big.name}: larger than the limit of ${size(limits.bytes)}.`);
    const folder = taskId ? pane.dataset.uploadTo : state.path;
    const names = files.map((f) => f.name).join(', ');
    say(`Uploading ${names}…`);
    const body = () => {
      const form = new FormData();
      for (const file of files) form.append('files', file, file.name);
      return form;
    };
    const url = `/api/files?${query(folder)}${overwrite ? '&overwrite=true' : ''}`;
    try {
      try {
        await send('POST', url, body());
      } catch (failure) {
        if (failure.status !== 404 || !folder) throw failure;
        await ensureFolder(folder);
        await send('POST', url, body());
      }
      await refresh();
      say(`Uploaded ${names} to ${folder || 'the workspace'}.`);
    } catch (failure) {
      statusBox.textContent = '';
      if (failure.status === 409) {
        fail(`${failure.message.replace(/; send overwrite=true to replace it\.?/, '.')} `,
          element('button', { type: 'button', class: 'danger small', onclick: () => upload(files, true) }, 'Replace'));
      } else {
        fail(failure.message);
      }
      await refresh();
    }
  }

  $('[data-upload]').addEventListener('click', () => input.click());
  input.addEventListener('change', () => { upload(input.files); input.value = ''; });

  const carriesFiles = (e) => e.dataTransfer && [...e.dataTransfer.types].includes('Files');
  pane.addEventListener('dragover', (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    pane.classList.add('dropping');
  });
  pane.addEventListener('dragleave', (e) => { if (!pane.contains(e.relatedTarget)) pane.classList.remove('dropping'); });
  pane.addEventListener('drop', (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    e.stopPropagation();
    pane.classList.remove('dropping');
    upload(e.dataTransfer.files);
  });

  const folderForm = $('[data-folder-form]');
  if (folderForm) {
    const newFolder = $('[data-new-folder]');
    const close = () => { folderForm.reset(); folderForm.hidden = true; newFolder.focus(); };
    newFolder.addEventListener('click', () => { folderForm.hidden = false; folderForm.elements.name.focus(); });
    folderForm.querySelector('[data-cancel]').addEventListener('click', close);
    folderForm.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(); });
    folderForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      const name = folderForm.elements.name.value.trim();
      const create = (path) => send('POST', `/api/files/directory?${query(path)}`);
      try {
        // The folder shown may not exist yet (a fresh workspace has no Desktop): create it first, then the new one.
        await create(join(state.path, name)).catch(async (failure) => {
          if (failure.status !== 404 || !state.path) throw failure;
          await create(state.path);
          await create(join(state.path, name));
        });
        close();
        await refresh();
        say(`Created the folder ${name}.`);
      } catch (failure) {
        fail(failure.message);
      }
    });
  }
  $('[data-refresh]')?.addEventListener('click', () => refresh().then(() => say('Refreshed.')));
  pane.addEventListener('files-changed', refreshSoon);
  refresh();
}

document.querySelectorAll('[data-file-pane]').forEach(setup);

// A file dropped just beside a pane would make the browser navigate away to it.
window.addEventListener('dragover', (e) => { if (e.dataTransfer && [...e.dataTransfer.types].includes('Files')) e.preventDefault(); });
window.addEventListener('drop', (e) => { if (e.dataTransfer && [...e.dataTransfer.types].includes('Files')) e.preventDefault(); });
