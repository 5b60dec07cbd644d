/*
 * supportgraph chat widget loader. Add one tag to any page:
 *   <script src="https://support.example/embed.js" data-token="…" data-anonymous="true"
 *           data-subject="…" async></script>
 * It adds a "Chat with us" button and the chat frame. The token never goes in a URL: it is
 * posted to the frame, and the host renews it with window.SupportGraph.setToken(token).
 */
(() => {
  "use strict";
  const FRAME_ID = "supportgraph-frame";
  if (document.getElementById(FRAME_ID)) return;

  const script = document.currentScript || document.querySelector('script[src*="embed.js"]');
  if (!script || !script.src) return;
  const widgetOrigin = new URL(script.src, location.href).origin;
  const data = script.dataset;
  const settings = {
    type: "supportgraph:config",
    anonymous: data.anonymous === "true",
    subject: data.subject || "",
  };
  let token = data.token || null;
  let frameReady = false;
  let isOpen = false;

  const style = document.createElement("style");
  style.textContent = `
.sg-launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;display:inline-flex;
align-items:center;gap:8px;min-height:48px;margin:0;padding:0 20px;border:0;border-radius:24px;
background:#3b5bdb;color:#fff;font:600 16px/1.2 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer}
.sg-launcher:hover{background:#364fc7}
.sg-launcher:focus-visible{outline:3px solid #1a1b1e;outline-offset:2px;box-shadow:0 0 0 2px #fff}
.sg-launcher svg{flex:none}
.sg-frame{position:fixed;right:16px;bottom:80px;z-index:2147483000;width:380px;height:600px;
max-width:calc(100vw - 32px);max-height:calc(100vh - 96px);max-height:calc(100dvh - 96px);
border:0;border-radius:12px;background:#fff;box-shadow:0 8px 32px rgba(0,0,0,.3);color-scheme:light}
.sg-frame[hidden]{display:none}
@media (max-width:480px){
.sg-frame{inset:0;width:100vw;height:100vh;height:100dvh;max-width:none;max-height:none;border-radius:0}
.sg-root[data-open] .sg-launcher{display:none}}`;

  const root = document.createElement("div");
  root.className = "sg-root";

  const launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "sg-launcher";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", FRAME_ID);
  launcher.innerHTML =
    '<svg aria-hidden="true" focusable="false" width="22" height="22" viewBox="0 0 24 24" ' +
    'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">' +
    '<path d="M3 20l1.3-3.9A9 8 0 1 1 7.7 19L3 20"/></svg><span>Chat with us</span>';

  const frame = document.createElement("iframe");
  frame.id = FRAME_ID;
  frame.className = "sg-frame";
  frame.title = "Support chat";
  frame.hidden = true;
  frame.src = `${widgetOrigin}/widget.html?host=${encodeURIComponent(location.origin)}`;

  const post = (message) => {
    if (frame.contentWindow) frame.contentWindow.postMessage(message, widgetOrigin);
  };
  const handOver = () => {
    frameReady = true;
    post(settings);
    if (token) post({ type: "supportgraph:token", token });
  };

  function open() {
    if (isOpen) return;
    isOpen = true;
    root.setAttribute("data-open", "");
    frame.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    frame.focus();
    post({ type: "supportgraph:open" });
  }

  function close() {
    if (!isOpen) return;
    isOpen = false;
    root.removeAttribute("data-open");
    frame.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  function setToken(next) {
    token = typeof next === "string" && next ? next : null;
    if (frameReady && token) post({ type: "supportgraph:token", token });
  }

  launcher.addEventListener("click", () => (isOpen ? close() : open()));
  frame.addEventListener("load", handOver);
  window.addEventListener("message", (event) => {
    if (event.source !== frame.contentWindow || event.origin !== widgetOrigin) return;
    const type = event.data && event.data.type;
    if (type === "supportgraph:ready") handOver();
    else if (type === "supportgraph:close") close();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isOpen) close();
  });

  window.SupportGraph = { open, close, setToken };

  root.append(launcher, frame);
  const mount = () => document.body.append(style, root);
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
})();
