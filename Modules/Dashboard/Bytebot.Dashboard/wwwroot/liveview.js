// The live desktop: noVNC (from the npm package, served at /novnc) over the host's authenticated /websockify.
// The cookie rides along with the same-origin WebSocket; the server drops input while the agent has control.
// This is the only script of ours: noVNC draws on a canvas and speaks RFB in the browser, which C# cannot.
import RFB from '/novnc/core/rfb.js';

const sessions = new WeakMap();

export function connect(element, viewOnly) {
  // A page left before its first render finished hands over an element that is already gone.
  if (!element) return;
  disconnect(element);
  element.dataset.viewOnly = String(viewOnly);
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
    if (!session.closing) {
      setTimeout(() => {
        if (element.isConnected && sessions.get(element) === session) connect(element, viewOnly);
      }, 1000);
    }
  });
}

export function disconnect(element) {
  const session = element && sessions.get(element);
  if (!session) return;
  session.closing = true;
  sessions.delete(element);
  session.rfb.disconnect();
}
