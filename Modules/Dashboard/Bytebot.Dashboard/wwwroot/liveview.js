// The live desktop: noVNC (from the npm package, served at /novnc) over the host's authenticated /websockify.
// The cookie rides along with the same-origin WebSocket; the server drops input while the agent has control.
import RFB from '/novnc/core/rfb.js';

const sessions = new WeakMap();

export function connect(element, viewOnly = element.dataset.viewOnly === 'true') {
  disconnect(element);
  element.dataset.viewOnly = String(viewOnly);
  element.setAttribute('aria-label', viewOnly ? 'Live view of the desktop (view only)' : 'Live desktop: keyboard and mouse go to the desktop');
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  const rfb = new RFB(element, scheme + location.host + '/websockify' + (viewOnly ? '?viewOnly=true' : ''), {
    wsProtocols: ['binary'],
    shared: true,
  });
  rfb.viewOnly = viewOnly;
  rfb.scaleViewport = true;
  rfb.background = 'transparent';
  const session = { rfb, closing: false };
  sessions.set(element, session);
  element.dataset.state = 'connecting';
  rfb.addEventListener('connect', () => { element.dataset.state = 'connected'; });
  rfb.addEventListener('disconnect', () => {
    element.dataset.state = 'disconnected';
    // A restarted VNC server or a dropped network comes back by itself; a page that closed the view does not.
    if (!session.closing) setTimeout(() => { if (element.isConnected && sessions.get(element) === session) connect(element, viewOnly); }, 1000);
  });
}

export function disconnect(element) {
  const session = sessions.get(element);
  if (!session) return;
  session.closing = true;
  sessions.delete(element);
  session.rfb.disconnect();
}

document.querySelectorAll('[data-live-desktop]:not([data-deferred])').forEach((element) => connect(element));
