// The live desktop: noVNC (from the npm package, served at /novnc) over the host's authenticated /websockify.
// The cookie rides along with the same-origin WebSocket; the server drops input while the agent has control.
import RFB from '/novnc/core/rfb.js';

function connect(element) {
  const viewOnly = element.dataset.viewOnly === 'true';
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  const rfb = new RFB(element, scheme + location.host + '/websockify' + (viewOnly ? '?viewOnly=true' : ''), {
    wsProtocols: ['binary'],
    shared: true,
  });
  rfb.viewOnly = viewOnly;
  rfb.scaleViewport = true;
  rfb.background = 'transparent';
  element.dataset.state = 'connecting';
  rfb.addEventListener('connect', () => { element.dataset.state = 'connected'; });
  rfb.addEventListener('disconnect', () => {
    element.dataset.state = 'disconnected';
    // A restarted VNC server or a dropped network comes back by itself.
    setTimeout(() => { if (element.isConnected) connect(element); }, 1000);
  });
}

document.querySelectorAll('[data-live-desktop]').forEach(connect);
