// Classic (blocking) script in <head>, so the stored theme applies before the first paint.
(() => {
  const key = 'bytebot.theme';
  const apply = (theme) => {
    document.documentElement.dataset.theme = theme ?? '';
    for (const sheet of document.querySelectorAll('link[data-theme-sheet]')) {
      sheet.media = theme ? (sheet.dataset.themeSheet === theme ? 'all' : 'not all') : `(prefers-color-scheme: ${sheet.dataset.themeSheet})`;
    }
  };
  const current = () => document.documentElement.dataset.theme
    || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  apply(localStorage.getItem(key));
  document.addEventListener('DOMContentLoaded', () => {
    const button = document.querySelector('[data-theme-toggle]');
    if (!button) return;
    const label = () => {
      const dark = current() === 'dark';
      button.setAttribute('aria-pressed', String(dark));
      button.textContent = dark ? 'Light theme' : 'Dark theme';
    };
    button.addEventListener('click', () => {
      const next = current() === 'dark' ? 'light' : 'dark';
      localStorage.setItem(key, next);
      apply(next);
      label();
    });
    label();
  });
})();
