// The new-task form: multipart POST /api/tasks (files included), then on to the task's page.
import { send } from './api.js';

const form = document.querySelector('[data-new-task]');
const error = form.querySelector('[data-form-error]');
const description = form.querySelector('#description');

description.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    form.requestSubmit();
  }
});

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  error.textContent = '';
  const files = form.querySelector('#files').files;
  if (files.length > 5) { error.textContent = 'At most 5 files.'; return; }
  const tooBig = [...files].find((f) => f.size > 30 * 1024 * 1024);
  if (tooBig) { error.textContent = `${tooBig.name} is larger than 30 MB.`; return; }
  const body = new FormData(form);
  const at = form.querySelector('#scheduledFor').value;
  body.delete('scheduledFor');
  if (at) body.set('scheduledFor', new Date(at).toISOString());
  if (!files.length) body.delete('files');
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const task = await send('POST', '/api/tasks', body);
    location.assign(`/tasks/${task.id}`);
  } catch (failure) {
    error.textContent = failure.message;
    button.disabled = false;
  }
});
