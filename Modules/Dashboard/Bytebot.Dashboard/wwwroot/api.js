// fetch() for the dashboard: the session cookie rides along; unsafe requests carry X-Bytebot-Request, which the host
// requires of cookie-authenticated writes so that no same-site form can forge them (ADR 0012).
export async function send(method, url, body) {
  const headers = { 'X-Bytebot-Request': '1', Accept: 'application/json' };
  let payload = body;
  if (body !== undefined && !(body instanceof FormData)) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(url, { method, headers, body: payload, credentials: 'same-origin' });
  const text = await response.text();
  const data = text && (response.headers.get('Content-Type') ?? '').includes('json') ? JSON.parse(text) : text;
  if (!response.ok) {
    const fields = data?.errors ? Object.entries(data.errors).map(([f, m]) => `${f}: ${m.join(' ')}`).join('; ') : '';
    throw Object.assign(new Error(fields || data?.detail || data?.title || `${response.status} ${response.statusText}`), { status: response.status });
  }
  return data;
}

export const getJson = (url) => send('GET', url);

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return node;
}

export const statusLabel = (status) => status.replace('_', ' ').toLowerCase().replace(/^./, (c) => c.toUpperCase());

export function timeAgo(iso) {
  const seconds = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleString();
}
