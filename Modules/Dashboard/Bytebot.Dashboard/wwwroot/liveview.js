// The live desktop: noVNC (from the npm package, served at /novnc) over the host's authenticated /websockify.
// The cookie rides along with the same-origin WebSocket; the server drops input while the agent has control.
// This is the only script of ours: noVNC draws on a canvas and speaks RFB in the browser, which C# cannot.
import RFB from '/novnc/core/rfb.js';

const sessions = new WeakMap();
const probeEvery = 2000;

// With a node, the host relays that node's desktop (a task running there); without, it shows its own.
export function connect(element, viewOnly, fit, listener, node) {
  // A page left before its first render finished hands over an element that is already gone.
  if (!element) return;
  disconnect(element);
  element.dataset.viewOnly = String(viewOnly);
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  const query = new URLSearchParams();
  if (viewOnly) query.set('viewOnly', 'true');
  if (node) query.set('node', node);
  const rfb = new RFB(element, scheme + location.host + '/websockify' + (query.size ? '?' + query : ''), {
    wsProtocols: ['binary'],
    shared: true,
  });
  rfb.viewOnly = viewOnly;
  rfb.scaleViewport = fit;
  rfb.background = 'transparent';
  const session = { rfb, closing: false, listener, samples: [], probe: null, timer: 0 };
  sessions.set(element, session);
  element.dataset.state = 'connecting';
  watchFrames(session);
  rfb.addEventListener('connect', () => {
    element.dataset.state = 'connected';
    session.timer = setInterval(() => probe(session), probeEvery);
    probe(session);
  });
  rfb.addEventListener('disconnect', () => {
    element.dataset.state = 'disconnected';
    clearInterval(session.timer);
    session.probe = null;
    // A restarted VNC server or a dropped network comes back by itself; a page that closed the view does not.
    if (!session.closing) {
      setTimeout(() => {
        if (element.isConnected && sessions.get(element) === session) connect(element, viewOnly, fit, listener, node);
      }, 1000);
    }
  });
}

/** Fit the desktop to the pane's width, or show it at 100% and scroll. */
export function setFit(element, fit) {
  const session = element && sessions.get(element);
  if (session) session.rfb.scaleViewport = fit;
}

export function disconnect(element) {
  const session = element && sessions.get(element);
  if (!session) return;
  session.closing = true;
  clearInterval(session.timer);
  sessions.delete(element);
  session.rfb.disconnect();
}

// Latency: RFB has no ping, but a non-incremental update request for one pixel must be answered with a frame at
// once, so the time from that request to the next complete frame is the round trip over the WebSocket, the bridge
// and the VNC server, plus decoding. A frame the screen sent by itself meanwhile only makes a sample shorter.
function watchFrames(session) {
  const display = session.rfb._display;
  const flip = display.flip.bind(display);
  display.flip = (...args) => {
    const result = flip(...args);
    if (session.probe !== null) {
      session.samples = [...session.samples.slice(-4), performance.now() - session.probe];
      session.probe = null;
      const sorted = [...session.samples].sort((a, b) => a - b);
      session.listener?.invokeMethodAsync('Latency', Math.round(sorted[sorted.length >> 1]));
    }
    return result;
  };
}

function probe(session) {
  const sock = session.rfb._sock;
  if (!sock || session.rfb._rfbConnectionState !== 'connected') return;
  // An unanswered probe (no frame for a whole period) is reported as such rather than piling up requests.
  if (session.probe !== null && performance.now() - session.probe > probeEvery) {
    session.listener?.invokeMethodAsync('Latency', -1);
  }
  session.probe = performance.now();
  RFB.messages.fbUpdateRequest(sock, false, 0, 0, 1, 1);
}
