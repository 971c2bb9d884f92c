// The desktop page's tools: a screenshot through /computer-use, and Bytebot's application launchers.
import { send } from './api.js';

const status = document.querySelector('[data-desktop-status]');
const figure = document.querySelector('[data-shot]');

document.querySelector('[data-screenshot]').addEventListener('click', async () => {
  status.textContent = 'Taking a screenshot…';
  try {
    const result = await send('POST', '/computer-use', { action: 'screenshot' });
    const url = `data:image/png;base64,${result.image}`;
    figure.querySelector('[data-shot-image]').src = url;
    const link = figure.querySelector('[data-shot-link]');
    link.href = url;
    link.download = `bytebot-${new Date().toISOString().replaceAll(':', '-').slice(0, 19)}.png`;
    figure.hidden = false;
    status.textContent = 'Screenshot taken; it is below the live view.';
  } catch (failure) {
    status.textContent = `Screenshot failed: ${failure.message}`;
  }
});

for (const button of document.querySelectorAll('[data-launch]')) {
  button.addEventListener('click', async () => {
    status.textContent = `Opening ${button.textContent}…`;
    try {
      await send('POST', '/computer-use', { action: 'application', application: button.dataset.launch });
      status.textContent = `Opened ${button.textContent}.`;
    } catch (failure) {
      status.textContent = `Could not open ${button.textContent}: ${failure.message}`;
    }
  });
}
